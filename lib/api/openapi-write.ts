import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from './openapi.ts';
import { PRODUCT_VERSION } from './version.ts';

const target = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(buildOpenApi(PRODUCT_VERSION), null, 2)}\n`);
console.log(`wrote ${target}`);
