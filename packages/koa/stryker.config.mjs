// Mutation testing of the Koa adapter's source: `pnpm test:mutation`.
import { mutationConfig } from '../../scripts/mutation-config.mjs';

export default mutationConfig(['src/apple-music-auth.ts', 'src/require-login.ts']);
