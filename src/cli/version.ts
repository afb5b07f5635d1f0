// The version `autograd --version` prints; a test checks it against package.json.

export const VERSION = '0.1.0';
