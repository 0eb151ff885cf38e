import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServedHandlers, serveHandlers } from '../src/index.js';

let served: ServedHandlers | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('serveHandlers', () => {
  it('answers real HTTP requests with msw handlers, bodies and cookies included', async () => {
    served = await serveHandlers([
      http.post('/echo', async ({ request }) => {
        const text = await request.text();
        const headers = new Headers({ 'x-method': request.method });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return HttpResponse.text(text.toUpperCase(), { status: 201, headers });
      }),
    ]);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${served.url}/echo`, { method: 'POST', body: 'hello' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('HELLO');
    expect(response.headers.get('x-method')).toBe('POST');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(served.requests).toBe(1);
  });

  it('answers 404 when no handler matches, and lets tests override handlers', async () => {
    served = await serveHandlers([http.get('/a', () => HttpResponse.text('first'))]);
    expect((await fetch(`${served.url}/missing`)).status).toBe(404);
    served.use(http.get('/a', () => HttpResponse.text('second')));
    expect(await (await fetch(`${served.url}/a`)).text()).toBe('second');
    served.resetHandlers();
    expect(await (await fetch(`${served.url}/a`)).text()).toBe('first');
  });

  it('resets the connection for HttpResponse.error()', async () => {
    served = await serveHandlers([http.get('/reset', () => HttpResponse.error())]);
    await expect(fetch(`${served.url}/reset`)).rejects.toThrow();
  });

  it('closes even while a handler hangs', async () => {
    served = await serveHandlers([http.get('/hang', () => new Promise<never>(() => {}))]);
    const pending = fetch(`${served.url}/hang`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await served.close();
    served = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
