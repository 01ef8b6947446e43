/**
 * A reconnecting client in the browser: `connect$` from 'rxrpcx' against the
 * echo-and-subscribe server (../echoAndSubscribe.ts), in plain DOM.
 *
 *   npm run example:ws-server     # ws://127.0.0.1:50003
 *   npm run example:browser       # serves this page on http://127.0.0.1:8080/
 *
 * The page shows the client's state as it changes, subscribes once to the
 * server's counter (the client subscribes again after each reconnection and
 * the same Observable goes on), and sends `echo` from the form (sent while
 * disconnected, it waits for the next session). Stop and restart the server
 * to watch it.
 *
 * Query parameters: `server` (default ws://127.0.0.1:50003); `initialDelay`,
 * `maxDelay` (seconds) and `jitter=false` tune the reconnection backoff.
 */
import { connect$, type ClientState } from 'rxrpcx';

const query = new URLSearchParams(location.search);
const seconds = (name: string): number | undefined => (query.has(name) ? Number(query.get(name)) : undefined);

const client = connect$(query.get('server') ?? 'ws://127.0.0.1:50003', {
  reconnect: { initialDelay: seconds('initialDelay'), maxDelay: seconds('maxDelay'), jitter: query.get('jitter') !== 'false' },
});

const element = (id: string): HTMLElement => document.getElementById(id)!;
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function log(line: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  ${line}`;
  element('log').append(item);
}

function describe(state: ClientState): string {
  switch (state.status) {
    case 'connecting':
      return `to ${state.endpoint}, attempt ${state.attempt}`;
    case 'open':
      return `to ${state.endpoint}`;
    case 'reconnecting':
      return `to ${state.endpoint} in ${state.delay.toFixed(1)} s, attempt ${state.attempt} (${reason(state.lastError)})`;
    case 'closed':
      return state.lastError === undefined ? '' : `gave up: ${reason(state.lastError)}`;
  }
}

// The state: the current one at once, then each change.
client.state$.subscribe((state) => {
  document.body.dataset['status'] = state.status;
  element('status').textContent = state.status;
  element('details').textContent = describe(state);
  log(`${state.status} ${describe(state)}`);
});

// One subscription for the page's life: `subscribe` answers true (again on
// each new session), then the server sends `counter(n)` every 200 ms.
let sessions = 0;
client.subscription$('subscribe', [], { notification: 'counter' }).subscribe({
  next: (event) => {
    if (event.kind === 'result') {
      sessions += 1;
      element('subscribed').textContent = `(subscribed ${sessions}×)`;
      element('counter').textContent = '–'; // a new session counts from 0 again
      log(`subscribe → ${JSON.stringify(event.result)}`);
    } else {
      element('counter').textContent = String(event.args[0]);
    }
  },
  error: (error: unknown) => log(`subscription failed: ${reason(error)}`),
});

// A request: straight to the live session, or queued until the next one.
element('echo').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = (element('echo') as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
  log(`echo(${JSON.stringify(text.value)}) sent while ${client.state.status}`);
  client.sendRequest('echo', [text.value]).then(
    (answer) => {
      element('echoed').textContent = JSON.stringify(answer);
      log(`echo → ${JSON.stringify(answer)}`);
    },
    (error: unknown) => log(`echo failed: ${reason(error)}`),
  );
});
