/**
 * @module A browser without a screen, for sign-in tests over plain HTTP: keeps cookies per host,
 * follows redirects (or stops at a chosen one), and submits a page's form.
 */

export interface Page {
  readonly url: string;
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

export class RedirectFollowingClient {
  /** host → cookie name → value. Paths and expiry are ignored: tests run in seconds. */
  readonly cookies = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar === undefined ? '' : [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }

  setCookie(url: string, name: string, value: string | undefined): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    if (value === undefined) jar.delete(name);
    else jar.set(name, value);
  }

  /** One request, no redirect followed; cookies stored. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; accept?: string } = {},
  ): Promise<Page> {
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html' };
    const cookie = this.cookieHeader(url);
    if (cookie !== '') headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.trim().split('=');
        return (
          (key.toLowerCase() === 'expires' && Date.parse(val) < Date.now()) ||
          (key.toLowerCase() === 'max-age' && Number(val) <= 0)
        );
      });
      this.setCookie(url, name, value === '' || expired ? undefined : value);
    }
    return { url, status: response.status, text: await response.text(), headers: response.headers };
  }

  /**
   * Follows redirects from `url` until a page that is not a redirect, or until the next hop
   * would go to a URL for which `stopBefore` is true (that URL is returned, not requested).
   */
  async follow(
    url: string,
    init: { form?: Record<string, string>; stopBefore?: (next: URL) => boolean } = {},
  ): Promise<Page & { readonly stoppedAt?: string }> {
    let page = await this.request(url, init.form === undefined ? {} : { form: init.form });
    for (let hops = 0; hops < 20; hops += 1) {
      const location = page.headers.get('location');
      if (page.status < 300 || page.status >= 400 || location === null) return page;
      const next = new URL(location, page.url);
      if (init.stopBefore?.(next) === true) return { ...page, stoppedAt: next.href };
      page = await this.request(next.href);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Fills and submits the first form on a page (its hidden inputs kept), following redirects. */
  async submitForm(
    page: Page,
    fields: Record<string, string>,
    stopBefore?: (next: URL) => boolean,
  ): Promise<Page & { readonly stoppedAt?: string }> {
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.text);
    if (form === null) throw new Error(`no form on ${page.url}:\n${page.text.slice(0, 500)}`);
    const hidden: Record<string, string> = {};
    for (const input of (form[2] ?? '').matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1];
      if (name !== undefined && /type="hidden"/.test(input[0])) hidden[name] = value ?? '';
    }
    const action = new URL((form[1] ?? '').replace(/&amp;/g, '&'), page.url).href;
    return this.follow(action, {
      form: { ...hidden, ...fields },
      ...(stopBefore === undefined ? {} : { stopBefore }),
    });
  }
}
