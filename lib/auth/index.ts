export { hashPassword, passwordHashProblem, passwordProblems, verifyPassword } from './password.ts';
