// live.js -- live updates for a page, independent of how they arrive.
//
// A page asks for feeds: live.feed(name, load, apply) where load() fetches
// the current state through the API and apply(data) renders it. The
// transport decides when to call them. PollTransport reloads every feed
// every 2 s (one request at a time per feed, none while the tab is
// hidden); a Server-Sent Events transport can replace it later by calling
// apply() with the pushed data, and the pages stay as they are.

export class PollTransport {
  constructor(intervalMs = 2000) { this.intervalMs = intervalMs; }
  start(feed) {
    let timer = null, stopped = false, busy = false;
    const run = async () => {
      if (stopped) return;
      if (!busy && document.visibilityState !== 'hidden') {
        busy = true;
        try { feed.apply(await feed.load()); feed.ok(); } catch (e) { feed.fail(e); } finally { busy = false; }
      }
      if (!stopped) timer = setTimeout(run, this.intervalMs);
    };
    run();
    return () => { stopped = true; clearTimeout(timer); };
  }
}

export class Live {
  constructor(transport, onError) {
    this.transport = transport;
    this.onError = onError || (() => {});
    this.stops = [];
  }
  // A feed for the current page; stopped by stopAll() when the page goes.
  feed(name, load, apply) {
    const f = { name, load, apply, ok: () => this.onError(name, null), fail: (e) => this.onError(name, e) };
    this.stops.push(this.transport.start(f));
  }
  stopAll() {
    for (const s of this.stops.splice(0)) s();
  }
}
