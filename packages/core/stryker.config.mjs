// Mutation testing of core's security-critical modules: `pnpm test:mutation`.
import { mutationConfig } from '../../scripts/mutation-config.mjs';

export default mutationConfig([
  'src/state/signed-state.ts',
  'src/state/state-store.ts',
  'src/protocol/callback-payload.ts',
  'src/http/return-to.ts',
  'src/tokens/developer-token.ts',
  'src/http/request-body.ts',
  'src/crypto/constant-time.ts',
  'src/routes/web-handlers.ts',
  'src/http/request-origin.ts',
]);
