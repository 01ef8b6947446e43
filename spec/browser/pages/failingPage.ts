/** A page whose run fails, so harness.spec.ts can check how the failure reaches the test. */
import { ConnectError } from 'rxrpcx';
import { report } from './pageKit';

report(async () => {
  throw new ConnectError('refused', 'example.invalid:1', 'deliberate failure');
});
