export { hashPassword, passwordProblems, verifyPassword } from './password.ts';
