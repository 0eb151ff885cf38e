import { fileURLToPath } from 'node:url';
import { exampleProcessTests } from '../../../testing/example-process.js';

exampleProcessTests(fileURLToPath(new URL('..', import.meta.url)), 'koa');
