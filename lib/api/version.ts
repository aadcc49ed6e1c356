export const PRODUCT_NAME = 'Quantix';
export const PRODUCT_VERSION = '0.1.0';
