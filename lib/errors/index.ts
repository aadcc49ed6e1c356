export { errorCatalog, errorCodes, type ErrorCode } from './catalog.ts';
export { ApiError, isApiError, toApiError, type ErrorEnvelope } from './api-error.ts';
export { zodIssues, type ValidationIssue } from './zod-details.ts';
