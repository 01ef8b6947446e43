/**
 * A standalone component over {@link ElectrumService}: the connection's state
 * and the chain tip, live. The service's Observables become signals with
 * `toSignal`, so the template reads them as plain calls, change detection
 * can be OnPush (or zoneless), and Angular unsubscribes when the component is
 * destroyed — the client's shared `blockchain.headers.subscribe` ends on the
 * server when its last subscriber leaves.
 *
 *   <chain-tip />
 */
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ElectrumService } from './electrum.service';

@Component({
  selector: 'chain-tip',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="status" [class.open]="open()">{{ status() }}</p>
    @if (tip(); as tip) {
      <p class="tip">Tip: block {{ tip.height }}</p>
    } @else {
      <p class="tip">Waiting for the chain tip…</p>
    }
  `,
  styles: `
    .status { color: #a60; }
    .status.open { color: #070; }
  `,
})
export class ChainTipComponent {
  private readonly electrum = inject(ElectrumService);

  /** 'connecting', 'open', 'reconnecting (attempt 3, 4.2 s)' or 'closed'. */
  readonly status = toSignal(this.electrum.status$, { initialValue: 'connecting' });

  /** The latest tip (undefined until the server's first answer); kept across reconnections by the client. */
  readonly tip = toSignal(this.electrum.tip$);

  readonly open = computed(() => this.status() === 'open');
}
