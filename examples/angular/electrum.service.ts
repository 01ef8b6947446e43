/**
 * An Angular service over `connect$`: the whole reconnecting client of an
 * Electrum wallet front-end. Components inject it and use its Observables
 * with the `async` pipe (or `toSignal`); nothing here reconnects,
 * resubscribes or shares by hand — the client does.
 *
 *   @Component({ template: `{{ (electrum.status$ | async) }} — tip {{ (electrum.tip$ | async)?.height }}` })
 *   export class StatusBar { readonly electrum = inject(ElectrumService); }
 */
import { Injectable, type OnDestroy } from '@angular/core';
import { map, type Observable } from 'rxjs';
import { connect$, type ClientState } from 'rxrpcx';
import type { Balance, ElectrumProtocol, HeaderNotification, ScriptHashStatus } from '../electrumContract';

@Injectable({ providedIn: 'root' })
export class ElectrumService implements OnDestroy {
  /** One client for the app: connects at once, rotates servers, pings, reconnects when the tab comes back. */
  readonly client = connect$<ElectrumProtocol>(['wss://electrum.example.org:50004', 'wss://backup.example.org:50004'], {
    keepAlive: { method: 'server.ping', interval: 60 },
    livenessTimeout: 150,
  });

  /** 'connecting', 'open', 'reconnecting (attempt 3, 4.2 s)', 'closed'. */
  readonly status$: Observable<string> = this.client.state$.pipe(map(describe));

  /** The chain tip, now and after every block, across reconnections. */
  readonly tip$: Observable<HeaderNotification> = this.client
    .subscription$('blockchain.headers.subscribe')
    .pipe(map((event) => (event.kind === 'result' ? event.result : event.args[0])));

  /** A script hash's status, now and whenever it changes; the last subscriber leaving unsubscribes on the server. */
  status(scripthash: string): Observable<ScriptHashStatus> {
    return this.client
      .subscription$('blockchain.scripthash.subscribe', [scripthash], { key: 0, unsubscribe: 'blockchain.scripthash.unsubscribe' })
      .pipe(map((event) => (event.kind === 'result' ? event.result : event.args[1])));
  }

  /** One request; waits for a connection if there is none yet (up to its timeout). */
  balance(scripthash: string): Observable<Balance> {
    return this.client.request('blockchain.scripthash.get_balance', [scripthash]);
  }

  ngOnDestroy(): void {
    void this.client.close();
  }
}

function describe(state: ClientState): string {
  return state.status === 'reconnecting' ? `reconnecting (attempt ${state.attempt}, ${state.delay.toFixed(1)} s)` : state.status;
}
