// Mutation testing of core's security-critical modules: `pnpm test:mutation`.
import { mutationConfig } from '../../scripts/mutation-config.mjs';

export default mutationConfig([
  'src/state.ts',
  'src/state-store.ts',
  'src/callback.ts',
  'src/return-to.ts',
  'src/developer-token.ts',
  'src/request-body.ts',
  'src/constant-time.ts',
  'src/sha256.ts',
  'src/web-handlers.ts',
]);
