/**
 * /_arclight/events read with fetch rather than EventSource, which cannot send the admin key.
 * Reconnects after a break; `onOpen` runs at each (re)connection, so the page can read again
 * what it may have missed.
 */
export interface StreamEvent {
  type: string;
  id: string;
  time: string;
  [field: string]: unknown;
}

export function followEvents(url: string, headers: () => Record<string, string>, onEvent: (e: StreamEvent) => void, onOpen: () => void): void {
  const connect = async () => {
    try {
      const response = await fetch(url, { headers: headers() });
      if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
      onOpen();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = frame.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (data) onEvent(JSON.parse(data) as StreamEvent);
        }
      }
    } catch {
      // Retried below: the server restarting, or a key not yet given.
    }
    setTimeout(connect, 2000);
  };
  void connect();
}
