/*
 * keyvault console: the "Settings → API keys" page and the operator views, over the console's JSON API
 * (api/openapi.json). No framework, no build step. Every element is made with the DOM and every
 * string from the server is set as text, never parsed as HTML: the page runs under a policy that
 * forbids inline script and requires Trusted Types with no policy, so an HTML string could not even
 * be assigned. A new key's token is held only while its dialog is open.
 */
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const API = new URL('api/', document.baseURI);
  const CSRF_PROBLEM = 'urn:keyvault:console:csrf';
  const view = document.getElementById('view');
  const live = document.getElementById('live');
  const dialog = document.getElementById('dialog');
  let session = null;
  let renderSeq = 0;
  let uid = 0;

  // ------------------------------------------------------------------------------------------ DOM

  function safeHref(v) {
    return typeof v === 'string' && (/^#\//.test(v) || /^https?:\/\/[^\s]+$/i.test(v) || v === 'api/openapi.json');
  }

  /** h('tag', {attr: value, on: {click: fn}}, ...children): children are nodes or text. */
  function h(tag, attrs, ...children) {
    const svg = tag.startsWith('svg:');
    const el = svg ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'on') {
        for (const [event, fn] of Object.entries(v)) el.addEventListener(event, fn);
      } else if (/^on/i.test(k) || k === 'style' || k === 'srcdoc' || (k === 'href' && !safeHref(v))) {
        throw new Error('refused attribute ' + k);
      } else if (k === 'value' && !svg) {
        el.value = v;
      } else if (k === 'checked' || k === 'disabled') {
        el[k] = Boolean(v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  const id = (prefix) => prefix + '-' + (++uid);

  function announce(text) {
    live.textContent = '';
    window.setTimeout(() => { live.textContent = text; }, 50);
  }

  function field(label, control, hint) {
    const hintId = hint ? id('hint') : null;
    if (hintId) control.setAttribute('aria-describedby', hintId);
    return h('div', {class: 'field'}, h('label', {for: control.id}, label), control,
      hint ? h('p', {class: 'hint', id: hintId}, hint) : null);
  }

  function button(text, onClick, attrs) {
    return h('button', Object.assign({type: 'button', on: {click: onClick}}, attrs || {}), text);
  }

  function errorBox() {
    return h('p', {class: 'error', role: 'alert'});
  }

  function showError(box, e) {
    box.textContent = e instanceof ApiError ? e.message : 'Something went wrong: ' + e;
  }

  // ------------------------------------------------------------------------------------- formats

  function pad(n) { return String(n).padStart(2, '0'); }

  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
      pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
  }

  function fmtHour(iso) {
    const d = new Date(iso);
    return pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + pad(d.getUTCHours()) + ':00';
  }

  function seconds(duration) {
    const m = /^P(?:(\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/.exec(duration || '');
    if (!m) return 0;
    return (+(m[1] || 0)) * 86400 + (+(m[2] || 0)) * 3600 + (+(m[3] || 0)) * 60 + (+(m[4] || 0));
  }

  function human(totalSeconds) {
    const s = Math.max(0, Math.round(totalSeconds));
    if (s >= 2 * 86400) return Math.floor(s / 86400) + ' days';
    if (s >= 3600) {
      const hrs = Math.floor(s / 3600), min = Math.floor((s % 3600) / 60);
      return hrs + ' h' + (min ? ' ' + min + ' min' : '');
    }
    if (s >= 60) return Math.floor(s / 60) + ' min';
    return s + ' s';
  }

  function relative(iso, asOf) {
    if (!iso) return 'never';
    const diff = (new Date(asOf) - new Date(iso)) / 1000;
    if (Math.abs(diff) < 60) return 'just now';
    return diff > 0 ? human(diff) + ' ago' : 'in ' + human(-diff);
  }

  /** A time shown both ways: relative text, the absolute time beside it. */
  function when(iso, asOf) {
    if (!iso) return h('span', {class: 'muted'}, 'never');
    return h('span', {class: 'when'}, h('time', {datetime: iso}, relative(iso, asOf)),
      h('span', {class: 'abs'}, fmtTime(iso)));
  }

  const STATUS_TEXT = {ACTIVE: 'Active', REVOKED: 'Revoked'};

  function statusBadge(key) {
    const out = [];
    if (key.status === 'REVOKED') out.push(h('span', {class: 'badge badge-revoked'}, '✕ Revoked'));
    else if (key.expired) out.push(h('span', {class: 'badge badge-expired'}, '⌛ Expired'));
    else out.push(h('span', {class: 'badge badge-active'}, '✓ Active'));
    if (key.compromised) out.push(' ', h('span', {class: 'badge badge-danger'}, '⚠ Leaked'));
    return out;
  }

  /** The history's event types in words; the type itself is shown beside them. */
  const EVENT_TEXT = {
    ISSUED: 'Issued', IMPORTED: 'Imported', ROTATED: 'Replacement issued', REVOKED: 'Revoked', COMPROMISED: 'Marked as leaked',
    LEAK_REPORTED: 'Reported as leaked', EXPIRY_CHANGED: 'Expiry changed', REHASHED: 'Hash upgraded',
    ROTATION_SAFE: 'Rotation safe to complete', ROTATION_COMPLETED: 'Rotation completed', SECRET_DELIVERED: 'Secret delivered',
    NOTE: 'Note', UPDATED: 'Changed', SCOPES_WIDENED: 'Scopes widened'
  };
  /** Events an audit looks for first: more power granted, or a leak. */
  const EVENT_ATTENTION = new Set(['SCOPES_WIDENED', 'COMPROMISED', 'LEAK_REPORTED']);

  function num(n) { return Number(n).toLocaleString('en-US'); }

  /** A refill rule (none, daily@HH:MM:N, monthly@D:N) in words. */
  function refillText(rule) {
    let m = /^daily@(\d{2}:\d{2}):(\d+)$/.exec(rule);
    if (m) return 'Refilled to ' + num(m[2]) + ' every day at ' + m[1] + ' UTC';
    m = /^monthly@(\d{1,2}):(\d+)$/.exec(rule);
    if (m) return 'Refilled to ' + num(m[2]) + ' on day ' + m[1] + ' of every month (00:00 UTC; the last day in shorter months)';
    return rule === 'none' ? 'Never refilled' : rule;
  }

  /** The compact marks of a key's policies in a list row: an IP allowlist, usage credits. */
  function policyBadges(k) {
    const out = [];
    if (k.ipAllowlist.length) {
      out.push(' ', h('span', {class: 'badge badge-policy', title: 'Only from ' + k.ipAllowlist.join(', ')}, '⌖ IP allowlist'));
    }
    if (k.credits) {
      out.push(' ', h('span', {class: 'badge badge-policy', title: refillText(k.credits.refill)},
        '◔ Credits: ' + num(k.credits.inStore + k.credits.leasedHere)));
    }
    return out;
  }

  function allowlistFacts(k) {
    if (!k.ipAllowlist.length) return h('span', {id: 'key-allowlist', class: 'muted'}, 'Any address');
    return h('ul', {id: 'key-allowlist', class: 'inline-list'}, k.ipAllowlist.map((r) => h('li', {}, h('code', {}, r))));
  }

  function metadataFacts(k) {
    const names = Object.keys(k.metadata);
    if (!names.length) return h('span', {id: 'key-metadata', class: 'muted'}, 'None');
    return h('dl', {id: 'key-metadata', class: 'meta'}, names.map((n) => [h('dt', {}, h('code', {}, n)), h('dd', {}, k.metadata[n])]));
  }

  function creditFacts(k, at) {
    const c = k.credits;
    if (!c) return h('span', {id: 'key-credits', class: 'muted'}, 'None: not limited');
    return h('div', {id: 'key-credits'},
      h('p', {}, h('strong', {}, num(c.inStore)), ' in the store, ', h('strong', {}, num(c.leasedHere)),
        ' leased by this server and not yet spent (other servers may hold leases too)'),
      h('p', {}, refillText(c.refill)),
      c.nextRefillAt ? h('div', {class: 'next-refill'}, 'Next refill: ', when(c.nextRefillAt, at)) : null,
      c.account !== k.id ? h('p', {class: 'muted'}, 'Shared with its rotation chain: the balance of ',
        h('a', {href: '#/keys/' + c.account}, c.account)) : null);
  }

  const ROTATION_TEXT = {
    NONE: '—', WINDOW_OPEN: 'Rotating: old key', REPLACED: 'Replaced', SUCCESSOR: 'Replacement key'
  };

  function urgencyBadge(u) {
    const text = {OVERDUE: '‼ Overdue', DUE: '! Due', UPCOMING: '… Upcoming'}[u] || u;
    return h('span', {class: 'badge badge-' + u.toLowerCase()}, text);
  }

  // ------------------------------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && problem.detail) || ('The request failed (' + status + ')'));
      this.status = status;
      this.problem = problem || {};
    }
  }

  async function api(method, path, body, retried) {
    const headers = {Accept: 'application/json'};
    const init = {method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error'};
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      if (session && session.csrf) headers[session.csrf.header] = session.csrf.token;
      init.body = JSON.stringify(body || {});
    }
    const res = await fetch(new URL(path, API), init);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      if (res.status === 403 && !retried && data && data.type === CSRF_PROBLEM) {
        await loadSession();
        return api(method, path, body, true);
      }
      throw new ApiError(res.status, data);
    }
    return data;
  }

  async function loadSession() {
    session = await api('GET', 'session');
    return session;
  }

  const q = (params) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') s.set(k, v);
    const text = s.toString();
    return text ? '?' + text : '';
  };

  // -------------------------------------------------------------------------------------- dialogs

  let opener = null;
  let closeGuard = null;

  /** Opens the modal dialog with {title, body, onClose}; focus stays inside until it closes. */
  function openDialog(title, content, options) {
    options = options || {};
    // A dialog opened from another one (the token after "Generate") gives focus back to the first opener.
    if (!opener) opener = document.activeElement;
    const titleId = id('dialog-title');
    dialog.replaceChildren(h('h2', {id: titleId, class: 'dialog-title'}, title), content);
    dialog.setAttribute('aria-labelledby', titleId);
    dialog.className = options.wide ? 'wide' : '';
    closeGuard = options.guard || null;
    dialog.showModal();
    const first = dialog.querySelector('[autofocus]') || dialog.querySelector('input, select, textarea, button');
    if (first) first.focus();
  }

  function closeDialog() {
    closeGuard = null;
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener('cancel', (e) => {
    if (closeGuard && !closeGuard()) e.preventDefault();
  });
  dialog.addEventListener('close', () => {
    if (dialog.open) return; // closed and reopened with new content before this event ran
    // The token, if one was shown, goes with the dialog's content.
    dialog.replaceChildren();
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  });
  // Tab and Shift+Tab cycle inside the open dialog (a modal <dialog> already makes the page inert;
  // this also keeps focus off the browser's own controls).
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const focusable = Array.from(dialog.querySelectorAll('a[href], button, input, select, textarea'))
      .filter((el) => !el.disabled && el.offsetParent !== null);
    if (focusable.length === 0) return;
    const first = focusable[0], last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) { last.focus(); e.preventDefault(); }
    else if (!e.shiftKey && document.activeElement === last) { first.focus(); e.preventDefault(); }
  });

  /** The show-once dialog: the token, a copy button, and "I have stored it" before it closes. */
  function showToken(key, token, heading, then) {
    const inputId = id('token');
    const storedId = id('stored');
    const status = h('p', {class: 'copy-status', role: 'status', 'aria-live': 'polite'});
    const input = h('input', {id: inputId, class: 'token', type: 'text', readonly: true, value: token,
      spellcheck: 'false', autocomplete: 'off', 'aria-describedby': id('once')});
    const onceId = input.getAttribute('aria-describedby');
    const done = h('button', {type: 'button', class: 'primary', disabled: true, id: 'token-done'}, 'Done');
    const stored = h('input', {type: 'checkbox', id: storedId});
    stored.addEventListener('change', () => { done.disabled = !stored.checked; });
    const copy = button('Copy', async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = 'Copied to the clipboard.';
      } catch (e) {
        input.select();
        status.textContent = document.execCommand('copy') ? 'Copied to the clipboard.' : 'Select the key and copy it by hand.';
      }
    }, {id: 'copy-token'});
    done.addEventListener('click', () => {
      input.value = '';
      closeDialog();
      if (then) then();
    });
    input.addEventListener('focus', () => input.select());
    openDialog(heading, h('div', {},
      h('p', {id: onceId, class: 'warning'}, '⚠ Copy this key now. It is shown only this once: keyvault keeps only a hash of it and cannot show it again.'),
      h('div', {class: 'field'}, h('label', {for: inputId}, 'Key for “', key.name, '”'), h('div', {class: 'token-row'}, input, copy)),
      status,
      h('div', {class: 'check'}, stored, h('label', {for: storedId}, 'I have stored it somewhere safe')),
      h('div', {class: 'actions'}, done)
    ), {wide: true, guard: () => stored.checked});
    copy.focus();
  }

  /** A dialog that asks for a typed confirmation and runs {action} when the text matches. */
  function confirmDialog(opts) {
    const err = errorBox();
    const inputs = [];
    const go = h('button', {type: 'submit', class: opts.danger ? 'danger' : 'primary', disabled: true}, opts.action);
    const check = () => { go.disabled = !inputs.every((i) => i.ok()); };
    const fields = (opts.fields || []).map((f) => {
      const control = f.multiline
        ? h('textarea', {id: id('f'), rows: 3, maxlength: 500, required: f.required || null})
        : h('input', {id: id('f'), type: 'text', maxlength: f.max || 500, autocomplete: 'off', spellcheck: 'false', required: f.required || null});
      const ok = () => (f.match !== undefined ? control.value === f.match : (!f.required || control.value.trim() !== ''));
      inputs.push({control, ok, name: f.name});
      control.addEventListener('input', check);
      return field(f.label, control, f.hint);
    });
    const form = h('form', {novalidate: true},
      opts.text.map((t) => h('p', {class: t.warning ? 'warning' : ''}, t.text || t)),
      fields, err,
      h('div', {class: 'actions'}, go, button('Cancel', closeDialog)));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (go.disabled) return;
      go.disabled = true;
      const values = {};
      inputs.forEach((i) => { values[i.name] = i.control.value; });
      try {
        await opts.run(values);
      } catch (ex) {
        showError(err, ex);
        check();
      }
    });
    check();
    openDialog(opts.title, form);
  }

  // ---------------------------------------------------------------------------------------- views

  function setNav(active) {
    const nav = document.getElementById('nav');
    const links = [];
    for (const owner of session.owners) {
      links.push(['#/owners/' + encodeURIComponent(owner), session.owners.length > 1 ? 'Keys of ' + owner : 'My keys', 'owner:' + owner]);
    }
    if (session.operator) links.push(['#/operator/keys', 'Operator', 'operator']);
    nav.replaceChildren(h('ul', {}, links.map(([href, text, key]) =>
      h('li', {}, h('a', {href, 'aria-current': key === active ? 'page' : null}, text)))));
    document.getElementById('who').textContent = 'Signed in as ' + session.user.displayName + (session.operator ? ' (operator)' : '');
  }

  function render(title, nav, ...content) {
    setNav(nav);
    const heading = h('h1', {tabindex: '-1', id: 'view-title'}, title);
    // an absent part (null) is left out, not written as the text "null"
    view.replaceChildren(heading, ...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
    document.title = title + ' — API keys';
    return heading;
  }

  function keyLink(key) {
    return h('a', {href: '#/keys/' + key.id}, key.name);
  }

  function keyTable(caption, keys, asOf, withOwner) {
    const body = h('tbody');
    const table = h('table', {class: 'keys'},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {},
        ['Name', 'Key', withOwner ? 'Owner' : null, 'Scopes', 'Tier', 'Environment', 'Created', 'Last used', 'Status', 'Rotation', 'Expires']
          .filter(Boolean).map((c) => h('th', {scope: 'col'}, c)))),
      body);
    const add = (list, at) => {
      for (const k of list) {
        body.append(h('tr', {'data-key': k.id},
          h('th', {scope: 'row'}, keyLink(k), policyBadges(k)),
          h('td', {}, h('code', {}, k.hint)),
          withOwner ? h('td', {}, k.owner) : null,
          h('td', {}, k.scopes.length ? k.scopes.map((s, i) => [i ? ', ' : '', h('code', {}, s)]) : h('span', {class: 'muted'}, 'none')),
          h('td', {}, k.tier), h('td', {}, k.environment),
          h('td', {}, when(k.createdAt, at)),
          h('td', {}, when(k.lastUsedAt, at)),
          h('td', {}, statusBadge(k)),
          h('td', {}, ROTATION_TEXT[k.rotation] || k.rotation),
          h('td', {}, k.expiresAt ? when(k.expiresAt, at) : h('span', {class: 'muted'}, 'never'))));
      }
      if (body.children.length === 0) {
        body.append(h('tr', {}, h('td', {colspan: withOwner ? 11 : 10, class: 'muted'}, 'No keys.')));
      }
    };
    add(keys, asOf);
    return {table, add};
  }

  /** A keyset-paged list: the first page, then "Load more" while the API returns a next cursor. */
  async function pagedKeys(caption, path, params, withOwner) {
    const page = await api('GET', path + q(params));
    const t = keyTable(caption, page.items, page.asOf, withOwner);
    const more = button('Load more', async () => {
      more.disabled = true;
      const next = await api('GET', path + q(Object.assign({}, params, {after: cursor})));
      t.add(next.items, next.asOf);
      cursor = next.next;
      more.disabled = false;
      more.hidden = !cursor;
      announce(next.items.length + ' more keys loaded');
    }, {class: 'more'});
    let cursor = page.next;
    more.hidden = !cursor;
    return h('div', {class: 'table-wrap'}, t.table, more);
  }

  async function ownerView(owner) {
    const seq = renderSeq;
    const status = new URLSearchParams(location.hash.split('?')[1] || '').get('status') || 'active';
    const list = await pagedKeys('API keys of ' + owner + ' (' + status + ')', 'keys', {owner, status: status === 'all' ? null : status}, false);
    if (seq !== renderSeq) return;
    const filterId = id('filter');
    const filter = h('select', {id: filterId},
      [['active', 'Active keys'], ['revoked', 'Revoked keys'], ['all', 'All keys']].map(([v, t]) =>
        h('option', {value: v, selected: v === status ? true : null}, t)));
    filter.addEventListener('change', () => { location.hash = '#/owners/' + encodeURIComponent(owner) + '?status=' + filter.value; });
    const generate = button('Generate new key', () => generateDialog(owner), {class: 'primary', id: 'generate'});
    render('API keys — ' + owner, 'owner:' + owner,
      h('p', {class: 'lead'}, 'Keys let your scripts and integrations call the API as ', h('strong', {}, owner),
        '. A key is shown once, when it is generated; rotate a key to replace it without breaking its users.'),
      h('div', {class: 'toolbar'}, field('Show', filter), generate),
      list);
  }

  async function generateDialog(owner) {
    const catalogue = await api('GET', 'catalogue' + q({owner}));
    const err = errorBox();
    const name = h('input', {id: id('name'), type: 'text', maxlength: 200, required: true, autocomplete: 'off'});
    const scopeBoxes = catalogue.scopes.map((s) => {
      const box = h('input', {type: 'checkbox', id: id('scope'), value: s.name});
      return h('div', {class: 'check'}, box, h('label', {for: box.id}, h('code', {}, s.name), ' — ', s.description));
    });
    const tier = h('select', {id: id('tier')}, catalogue.tiers.map((t) => h('option', {value: t}, t)));
    const env = h('select', {id: id('env')}, catalogue.environments.map((t) => h('option', {value: t}, t)));
    const expiry = h('select', {id: id('expiry')},
      [['', 'Never'], ['30', 'In 30 days'], ['90', 'In 90 days'], ['180', 'In 180 days'], ['365', 'In a year']]
        .map(([v, t]) => h('option', {value: v}, t)));
    const allow = h('textarea', {id: id('allow'), rows: 2, maxlength: 4000, spellcheck: 'false', autocomplete: 'off'});
    // metadata may carry what the application acts on (a plan, a customer id): only operators set it
    const meta = session.operator ? h('textarea', {id: id('meta'), rows: 2, maxlength: 8000, spellcheck: 'false', autocomplete: 'off'}) : null;
    const go = h('button', {type: 'submit', class: 'primary'}, 'Generate key');
    const form = h('form', {novalidate: true},
      field('Name', name, 'What uses this key, such as "Nightly sync — production".'),
      h('fieldset', {}, h('legend', {}, 'Scopes'), scopeBoxes.length ? scopeBoxes : h('p', {class: 'muted'}, 'No scopes are offered.')),
      field('Tier', tier), field('Environment', env), field('Expires', expiry),
      field('IP allowlist (optional)', allow, 'Addresses or CIDR blocks the key may be used from, one per line, such as 203.0.113.0/24. Empty: any address.'),
      meta ? field('Metadata (optional)', meta, 'One name=value per line, such as plan=pro.') : null,
      err, h('div', {class: 'actions'}, go, button('Cancel', closeDialog)));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (name.value.trim() === '') { err.textContent = 'Give the key a name.'; name.focus(); return; }
      const ranges = allow.value.split(/[\s,]+/).filter(Boolean);
      let metadata = null;
      const lines = meta ? meta.value.split('\n').map((l) => l.trim()).filter(Boolean) : [];
      if (lines.length) {
        metadata = Object.create(null); // a name such as "constructor" is an entry, never one of Object.prototype's
        for (const line of lines) {
          const eq = line.indexOf('=');
          const key = eq > 0 ? line.slice(0, eq).trim() : '';
          if (!key || Object.prototype.hasOwnProperty.call(metadata, key)) {
            err.textContent = 'Write each metadata entry as name=value, each name once.';
            meta.focus();
            return;
          }
          metadata[key] = line.slice(eq + 1).trim();
        }
      }
      go.disabled = true;
      const body = {
        owner, name: name.value,
        scopes: scopeBoxes.map((d) => d.querySelector('input')).filter((b) => b.checked).map((b) => b.value),
        tier: tier.value, environment: env.value,
        expiresAt: expiry.value ? new Date(new Date(session.asOf).getTime() + expiry.value * 86400000).toISOString() : null,
        ipAllowlist: ranges.length ? ranges : null
      };
      if (metadata) body.metadata = metadata;
      try {
        const issued = await api('POST', 'keys', body);
        closeDialog();
        announce('Key generated');
        showToken(issued.key, issued.token, 'Your new key', () => { route(); });
      } catch (ex) {
        showError(err, ex);
        go.disabled = false;
      }
    });
    openDialog('Generate a new key for ' + owner, form);
  }

  function dl(rows) {
    return h('dl', {class: 'facts'}, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  async function keyView(keyId) {
    const seq = renderSeq;
    const [detail, history] = await Promise.all([api('GET', 'keys/' + keyId), api('GET', 'keys/' + keyId + '/history')]);
    if (seq !== renderSeq) return;
    const k = detail.key, at = detail.asOf;
    const actions = [];
    if (k.status === 'ACTIVE' && !k.successorId) {
      actions.push(button('Rotate…', () => rotateDialog(k), {id: 'rotate'}));
    }
    if (k.rotation === 'WINDOW_OPEN' || k.rotation === 'REPLACED' || k.rotation === 'SUCCESSOR') {
      actions.push(h('a', {href: '#/keys/' + k.id + '/rotation', class: 'button', id: 'view-rotation'}, 'Rotation status'));
    }
    if (k.status === 'ACTIVE') {
      actions.push(button('Revoke…', () => revokeDialog(k), {class: 'danger', id: 'revoke'}));
    }
    if (session.operator) {
      if (k.status === 'ACTIVE') actions.push(button('Emergency rotation…', () => emergencyDialog(k), {class: 'danger', id: 'emergency'}));
      actions.push(h('a', {href: '#/keys/' + k.id + '/audit', class: 'button', id: 'audit'}, 'Usage audit'));
    }
    const leak = detail.leak ? h('section', {class: 'notice notice-danger', 'aria-labelledby': 'leak-title'},
      h('h2', {id: 'leak-title'}, '⚠ This key was reported as leaked'),
      h('p', {}, 'Recorded ', fmtTime(detail.leak.at), ' as ', h('code', {}, detail.leak.recordedAs),
        detail.leak.source ? [' — source: ', detail.leak.source] : null),
      detail.leak.reportUrl ? h('p', {}, 'Report: ', h('a', {href: detail.leak.reportUrl, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'leak-url'}, detail.leak.reportUrl)) : null,
      h('p', {class: 'muted'}, detail.leak.detail)) : null;
    const rows = history.events.map((e) => h('tr', {class: EVENT_ATTENTION.has(e.type) ? 'attention' : null},
      h('td', {}, fmtTime(e.at)),
      h('td', {}, EVENT_ATTENTION.has(e.type) ? '⚠ ' : null, EVENT_TEXT[e.type] || e.type, ' ', h('code', {class: 'muted'}, e.type)),
      h('td', {}, e.actor), h('td', {}, e.detail)));
    const back = session.owners.includes(k.owner) ? '#/owners/' + encodeURIComponent(k.owner) : '#/operator/keys';
    render(k.name, session.owners.includes(k.owner) ? 'owner:' + k.owner : 'operator',
      h('p', {class: 'back'}, h('a', {href: back}, '← Keys of ', k.owner)),
      leak,
      dl([
        ['Key', h('code', {}, k.hint)], ['Key id', h('code', {}, k.id)], ['Owner', k.owner],
        ['Status', statusBadge(k)],
        ['Scopes', k.scopes.length ? k.scopes.map((s, i) => [i ? ', ' : '', h('code', {}, s)]) : 'none'],
        ['Tier', k.tier], ['Environment', k.environment],
        k.tags.length ? ['Tags', k.tags.join(', ')] : null,
        ['Created', when(k.createdAt, at)], ['Last used', when(k.lastUsedAt, at)],
        ['Expires', k.expiresAt ? when(k.expiresAt, at) : 'never'],
        ['Rotation', ROTATION_TEXT[k.rotation] || k.rotation],
        ['IP allowlist', allowlistFacts(k)],
        ['Usage credits', creditFacts(k, at)],
        ['Metadata', metadataFacts(k)],
        k.predecessorId ? ['Replaces', h('a', {href: '#/keys/' + k.predecessorId}, k.predecessorId)] : null,
        k.successorId ? ['Replaced by', h('a', {href: '#/keys/' + k.successorId}, k.successorId)] : null,
        k.revocation ? ['Revoked', [fmtTime(k.revocation.at), ' by ', k.revocation.actor, ': ', k.revocation.reason]] : null
      ]),
      actions.length ? h('div', {class: 'actions'}, actions) : null,
      h('h2', {}, 'History'),
      h('table', {class: 'history'}, h('caption', {class: 'visually-hidden'}, 'History of ' + k.name),
        h('thead', {}, h('tr', {}, ['When', 'Event', 'By', 'Detail'].map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, rows)));
  }

  function rotateDialog(k) {
    confirmDialog({
      title: 'Rotate “' + k.name + '”',
      text: ['A replacement key is generated now. Both keys work until you complete the rotation, so you can move every user of the old key first.'],
      action: 'Generate replacement',
      fields: [],
      run: async () => {
        const r = await api('POST', 'keys/' + k.id + '/rotate', {});
        closeDialog();
        announce('Replacement key generated');
        showToken(r.key, r.token, 'The replacement key', () => { location.hash = '#/keys/' + k.id + '/rotation'; });
      }
    });
  }

  function revokeDialog(k) {
    confirmDialog({
      title: 'Revoke “' + k.name + '”',
      danger: true,
      text: [{warning: true, text: '⚠ Revoking is irreversible. Every request with this key gets 401 from now on, and it cannot be turned back on.'}],
      action: 'Revoke this key',
      fields: [
        {name: 'confirmName', label: 'Type the key\u2019s name to confirm', match: k.name, hint: 'The name is: ' + k.name},
        {name: 'reason', label: 'Reason (optional, kept in the history)'}
      ],
      run: async (v) => {
        await api('POST', 'keys/' + k.id + '/revoke', {confirmName: v.confirmName, reason: v.reason.trim() || null});
        closeDialog();
        announce('Key revoked');
        route();
      }
    });
  }

  function emergencyDialog(k) {
    confirmDialog({
      title: 'Emergency rotation of “' + k.name + '”',
      danger: true,
      text: [{warning: true, text: '⚠ For a leaked key: it is revoked first (irreversible), marked compromised, then a replacement is issued and the last week of its usage is audited.'}],
      action: 'Revoke and replace now',
      fields: [
        {name: 'reason', label: 'What happened', required: true, hint: 'Such as where it was found; kept in the history.'},
        {name: 'confirmName', label: 'Type the key\u2019s name to confirm', match: k.name, hint: 'The name is: ' + k.name}
      ],
      run: async (v) => {
        const r = await api('POST', 'operator/keys/' + k.id + '/emergency-rotation', {reason: v.reason, confirmName: v.confirmName});
        closeDialog();
        announce('Key revoked and replaced');
        const toAudit = () => { location.hash = '#/keys/' + k.id + '/audit'; };
        if (r.token) showToken(r.replacement, r.token, 'The replacement key', toAudit); else toAudit();
      }
    });
  }

  // ---------------------------------------------------------------------------------------- charts

  /**
   * A bar chart drawn as SVG: one or two series per hour, with marked bars. Each series has its own
   * fill pattern as well as its colour, marked bars carry a ▲ and the word in their tooltip, and the
   * numbers are also in a table below, so colour is never the only signal.
   */
  function barChart(opts) {
    const W = 760, H = 240, left = 44, right = 8, top = 22, bottom = 34;
    const n = opts.labels.length;
    const max = Math.max(1, ...opts.series.flatMap((s) => s.values));
    const slot = (W - left - right) / Math.max(1, n);
    const barW = Math.max(1, (slot - 1) / opts.series.length);
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    const titleId = id('chart-title'), descId = id('chart-desc');
    const svg = h('svg:svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-labelledby': titleId + ' ' + descId, class: 'chart'},
      h('svg:title', {id: titleId}, opts.title),
      h('svg:desc', {id: descId}, opts.desc),
      h('svg:defs', {},
        h('svg:pattern', {id: opts.prefix + '-hatch', patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)'},
          h('svg:rect', {width: 6, height: 6, class: 'hatch-bg'}), h('svg:line', {x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line'})),
        h('svg:pattern', {id: opts.prefix + '-dots', patternUnits: 'userSpaceOnUse', width: 5, height: 5},
          h('svg:rect', {width: 5, height: 5, class: 'dots-bg'}), h('svg:circle', {cx: 2.5, cy: 2.5, r: 1.3, class: 'dots-dot'}))));
    for (const t of [0, max / 2, max]) {
      const ty = y(t);
      svg.append(h('svg:line', {x1: left, x2: W - right, y1: ty, y2: ty, class: 'grid'}),
        h('svg:text', {x: left - 6, y: ty + 4, class: 'axis', 'text-anchor': 'end'}, String(Math.round(t))));
    }
    opts.labels.forEach((label, i) => {
      const x0 = left + i * slot;
      opts.series.forEach((s, j) => {
        const v = s.values[i];
        const marked = opts.marked && opts.marked.has(i);
        const bar = h('svg:rect', {x: x0 + j * barW, y: y(v), width: Math.max(0.5, barW - 0.5), height: Math.max(0, H - bottom - y(v)),
          class: 'bar ' + s.cls + (marked ? ' marked' : ''), fill: s.fill ? 'url(#' + opts.prefix + '-' + s.fill + ')' : null},
        h('svg:title', {}, label + ' — ' + s.name + ': ' + v + (marked ? ' (' + opts.markName + ')' : '')));
        svg.append(bar);
      });
      if (opts.marked && opts.marked.has(i)) {
        const top0 = Math.min(...opts.series.map((s) => y(s.values[i])));
        svg.append(h('svg:text', {x: x0 + slot / 2, y: Math.max(12, top0 - 4), class: 'mark', 'text-anchor': 'middle'}, '▲ ' + opts.markName));
      }
      if (i % Math.max(1, Math.ceil(n / 8)) === 0) {
        svg.append(h('svg:text', {x: x0, y: H - 12, class: 'axis'}, label));
      }
    });
    if (opts.line !== undefined && opts.line !== null) {
      const lx = left + opts.line * slot;
      svg.append(h('svg:line', {x1: lx, x2: lx, y1: top - 6, y2: H - bottom, class: 'event-line'}),
        h('svg:text', {x: lx + 3, y: top - 8, class: 'axis'}, '│ ' + opts.lineName));
    }
    const legend = h('ul', {class: 'legend'}, opts.series.map((s) =>
      h('li', {}, h('span', {class: 'swatch ' + s.cls + (s.fill ? ' swatch-' + s.fill : '')}, s.symbol), ' ', s.name)),
    opts.marked ? h('li', {}, h('span', {class: 'swatch mark-swatch'}, '▲'), ' ', opts.markName) : null);
    const rows = opts.labels.map((label, i) => h('tr', {},
      h('th', {scope: 'row'}, label), opts.series.map((s) => h('td', {}, String(s.values[i]))),
      opts.marked ? h('td', {}, opts.marked.has(i) ? opts.markName : '') : null));
    const table = h('details', {class: 'numbers'}, h('summary', {}, 'Show the numbers'),
      h('table', {}, h('caption', {class: 'visually-hidden'}, opts.title),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Hour (UTC)'), opts.series.map((s) => h('th', {scope: 'col'}, s.name)),
          opts.marked ? h('th', {scope: 'col'}, 'Marked') : null)),
        h('tbody', {}, rows)));
    return h('figure', {class: 'figure'}, svg, legend, table);
  }

  // -------------------------------------------------------------------------------------- rotation

  async function rotationView(keyId) {
    const seq = renderSeq;
    const r = await api('GET', 'keys/' + keyId + '/rotation');
    if (seq !== renderSeq) return;
    const quiet = seconds(r.oldKeyQuietFor), period = seconds(r.quietPeriod);
    const done = r.state === 'COMPLETED';
    const stateText = {
      OPEN: 'Open: both keys work',
      SAFE_TO_COMPLETE: 'Safe to complete: the new key is in use and the old key has been quiet long enough',
      DEADLINE_PASSED: 'The old key has expired; complete the rotation to revoke it',
      COMPLETED: 'Completed: the old key is revoked',
      ABANDONED: 'Abandoned: the new key was revoked'
    }[r.state] || r.state;
    const complete = h('button', {type: 'button', class: 'primary', id: 'complete', disabled: !r.safeToRevoke,
      'aria-describedby': 'complete-why'}, 'Complete rotation');
    const err = errorBox();
    complete.addEventListener('click', async () => {
      complete.disabled = true;
      try {
        await api('POST', 'keys/' + r.predecessor.id + '/rotation/complete', {force: false});
        announce('Rotation completed');
        route();
      } catch (ex) {
        showError(err, ex);
      }
    });
    const why = r.safeToRevoke ? 'Completing revokes the old key.'
      : r.state === 'COMPLETED' ? 'Already completed.'
        : 'Not yet safe: ' + (r.successor.lastUsedAt ? '' : 'the new key has not been used yet; ') +
          (r.clients.some((c) => !c.migrated) ? 'some clients are still on the old key; ' : '') +
          'the old key has been quiet for ' + human(quiet) + ' of the ' + human(period) + ' required.';
    const force = r.state === 'COMPLETED' || r.state === 'ABANDONED' ? null : button('Force complete…', () => confirmDialog({
      title: 'Force completion',
      danger: true,
      text: [{warning: true, text: '⚠ The old key is revoked now, even though clients may still use it: they will get 401. The reason is recorded in its history.'}],
      action: 'Revoke the old key anyway',
      fields: [{name: 'reason', label: 'Why force it', required: true, multiline: true}],
      run: async (v) => {
        await api('POST', 'keys/' + r.predecessor.id + '/rotation/complete', {force: true, reason: v.reason});
        closeDialog();
        announce('Rotation completed by force');
        route();
      }
    }), {class: 'danger', id: 'force-complete'});
    const clientRows = r.clients.map((c) => h('tr', {class: c.migrated ? '' : 'attention'},
      h('th', {scope: 'row'}, c.client),
      h('td', {}, c.clientIps.join(', ')),
      h('td', {}, String(c.requestsOnOldKey)),
      h('td', {}, when(c.lastSeenOnOldKey, r.asOf)),
      h('td', {}, c.migrated ? ['✓ Yes, since ', fmtTime(c.firstSeenOnSuccessor)]
        : h('strong', {}, c.requestsAfterRevocation ? '✕ No — the consumer that was missed' : '✕ No — still on the old key')),
      h('td', {}, c.requestsAfterRevocation ? h('strong', {}, String(c.requestsAfterRevocation), ' refused') : '0'),
      h('td', {}, c.blocking && !done ? h('strong', {}, 'Blocks completion') : 'No')));
    const labels = r.chart.hours.map((x) => fmtHour(x.hour));
    const rotIndex = r.chart.hours.findIndex((x) => new Date(x.hour).getTime() + 3600000 > new Date(r.rotatedAt).getTime());
    const chart = barChart({
      prefix: 'rot', title: 'Requests per hour on the old and the new key',
      desc: 'The last ' + labels.length + ' hours. Old key: hatched bars. New key: solid bars.',
      labels,
      series: [
        {name: 'Old key (' + r.predecessor.hint + ')', cls: 'old', fill: 'hatch', symbol: '▨', values: r.chart.hours.map((x) => x.oldKey)},
        {name: 'New key (' + r.successor.hint + ')', cls: 'new', symbol: '■', values: r.chart.hours.map((x) => x.newKey)}
      ],
      line: rotIndex >= 0 ? rotIndex : null, lineName: 'rotated'
    });
    render('Rotation of “' + r.predecessor.name + '”', session.owners.includes(r.predecessor.owner) ? 'owner:' + r.predecessor.owner : 'operator',
      h('p', {class: 'back'}, h('a', {href: '#/keys/' + r.predecessor.id}, '← ', r.predecessor.name)),
      h('section', {class: 'notice ' + (r.safeToRevoke || done ? 'notice-ok' : 'notice-wait'), 'aria-labelledby': 'state-title'},
        h('h2', {id: 'state-title'}, (r.safeToRevoke || done ? '✓ ' : '↻ ') + stateText),
        done ? h('p', {}, 'Clients still sending the old key get 401; they are listed below with their refused requests.') : [
          h('p', {}, 'Old key quiet for ', h('strong', {id: 'quiet-for'}, human(quiet)), ' of the quiet period of ', h('strong', {}, human(period)),
            r.state === 'OPEN' ? [' (', human(seconds(r.quietRemaining)), ' to go)'] : null, '.'),
          h('label', {for: 'quiet-meter', class: 'visually-hidden'}, 'Quiet time'),
          h('meter', {id: 'quiet-meter', min: 0, max: period, value: Math.min(quiet, period)}, human(quiet))],
        r.deadline ? h('p', {}, 'Hard deadline: the old key expires ', fmtTime(r.deadline), '.') : null),
      dl([
        ['Old key', [h('code', {}, r.predecessor.hint), ' — last used ', when(r.predecessor.lastUsedAt, r.asOf)]],
        ['New key', [h('a', {href: '#/keys/' + r.successor.id}, r.successor.name), ' ', h('code', {}, r.successor.hint), ' — last used ', when(r.successor.lastUsedAt, r.asOf)]],
        ['Rotated', fmtTime(r.rotatedAt)]
      ]),
      h('div', {class: 'actions'}, done ? null : complete, force, button('Refresh', () => route(), {id: 'refresh'})),
      h('p', {id: 'complete-why', class: 'hint'}, why), err,
      h('h2', {}, 'Clients seen on the old key since the rotation'),
      r.clients.length === 0 ? h('p', {class: 'muted'}, 'No requests with the old key since the rotation.') :
        h('table', {class: 'clients'}, h('caption', {class: 'visually-hidden'}, 'Clients of the old key'),
          h('thead', {}, h('tr', {}, ['Client', 'Addresses', 'Requests (old key)', 'Last seen on old key', 'Moved to new key', 'After revocation', 'Blocking']
            .map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, clientRows)),
      h('h2', {}, 'Requests per hour'), chart);
  }

  // ----------------------------------------------------------------------------------------- audit

  const AUDIT_WINDOWS = [['2', 'Last 2 hours'], ['24', 'Last 24 hours'], ['168', 'Last 7 days'], ['744', 'Last 31 days']];

  async function auditView(keyId) {
    const seq = renderSeq;
    const hours = AUDIT_WINDOWS.some(([v]) => v === params(location.hash).get('hours')) ? params(location.hash).get('hours') : '168';
    const first = await api('GET', 'operator/keys/' + keyId + '/audit');
    const a = hours === '168' ? first : await api('GET', 'operator/keys/' + keyId + '/audit' +
      q({from: new Date(new Date(first.to).getTime() - hours * 3600000).toISOString(), to: first.to}));
    if (seq !== renderSeq) return;
    const windowSelect = h('select', {id: id('window')}, AUDIT_WINDOWS.map(([v, t]) => h('option', {value: v, selected: v === hours ? true : null}, t)));
    windowSelect.addEventListener('change', () => { location.hash = '#/keys/' + keyId + '/audit?hours=' + windowSelect.value; });
    const marked = new Set();
    a.hours.forEach((x, i) => { if (x.spike) marked.add(i); });
    const revokedAt = a.key.revocation ? a.hours.findIndex((x) => new Date(x.hour).getTime() + 3600000 > new Date(a.key.revocation.at).getTime()) : -1;
    const chart = barChart({
      prefix: 'audit', title: 'Requests per hour', desc: 'From ' + fmtTime(a.from) + ' to ' + fmtTime(a.to) +
        '. Spikes (over 5 times the baseline of ' + a.baselinePerHour.toFixed(1) + ' an hour) are marked with a triangle and dotted bars.',
      labels: a.hours.map((x) => fmtHour(x.hour)),
      series: [{name: 'Requests', cls: 'req', symbol: '■', values: a.hours.map((x) => x.requests)}],
      marked, markName: 'spike', line: revokedAt >= 0 ? revokedAt : null, lineName: 'revoked'
    });
    chart.querySelectorAll('rect.marked').forEach((r) => r.setAttribute('fill', 'url(#audit-dots)'));
    const table = (caption, cols, rows) => rows.length === 0 ? h('p', {class: 'muted'}, 'None.') :
      h('table', {}, h('caption', {class: 'visually-hidden'}, caption),
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', {scope: 'col'}, c)))), h('tbody', {}, rows));
    render('Usage audit of “' + a.key.name + '”', 'operator',
      h('p', {class: 'back'}, h('a', {href: '#/keys/' + a.key.id}, '← ', a.key.name)),
      h('div', {class: 'toolbar'}, field('Window', windowSelect,
        'Addresses are new when the key never saw them before the window starts.')),
      dl([
        ['Window', fmtTime(a.from) + ' – ' + fmtTime(a.to)],
        ['Status', statusBadge(a.key)],
        ['Requests', String(a.totalRequests)],
        ['Baseline', a.baselinePerHour.toFixed(1) + ' an hour'],
        ['Refused for scope (403)', String(a.refusedForScope)],
        ['Requests after revocation', String(a.requestsAfterRevocation)]
      ]),
      h('h2', {}, 'Requests per hour'), chart,
      h('h2', {}, 'New client addresses'),
      a.newClientIps.length ? h('ul', {class: 'new-ips'}, a.newClientIps.map((ip) => h('li', {}, h('strong', {}, '● new: '), h('code', {}, ip))))
        : h('p', {class: 'muted'}, 'None: every address had used this key before.'),
      h('h2', {}, 'Endpoints'),
      table('Endpoints', ['Endpoint', 'Requests', 'Refused for scope (403)', 'Unauthorized (401)', 'First seen', 'Last seen'],
        a.endpoints.map((e) => h('tr', {class: e.refusedForScope ? 'attention' : ''},
          h('th', {scope: 'row'}, h('code', {}, e.method + ' ' + e.endpoint)), h('td', {}, String(e.requests)),
          h('td', {}, e.refusedForScope ? h('strong', {}, String(e.refusedForScope)) : '0'), h('td', {}, String(e.unauthorized)),
          h('td', {}, fmtTime(e.firstSeen)), h('td', {}, fmtTime(e.lastSeen))))),
      h('h2', {}, 'Client addresses'),
      table('Client addresses', ['Address', 'Requests', 'User agents', 'First seen', 'Last seen', 'New'],
        a.clientIps.map((c) => h('tr', {class: c.newInWindow ? 'attention' : ''},
          h('th', {scope: 'row'}, h('code', {}, c.clientIp)), h('td', {}, String(c.requests)), h('td', {}, c.userAgents.join(', ')),
          h('td', {}, fmtTime(c.firstSeen)), h('td', {}, fmtTime(c.lastSeen)), h('td', {}, c.newInWindow ? h('strong', {}, 'New') : 'Known')))),
      h('h2', {}, 'Requests after revocation'),
      table('Requests after revocation', ['Client', 'Address', 'Requests', 'First', 'Last', 'Endpoints'],
        a.afterRevocation.map((l) => h('tr', {class: 'attention'}, h('th', {scope: 'row'}, l.client), h('td', {}, h('code', {}, l.clientIp)),
          h('td', {}, String(l.requests)), h('td', {}, fmtTime(l.firstSeen)), h('td', {}, fmtTime(l.lastSeen)), h('td', {}, l.endpoints.join(', '))))));
  }

  // -------------------------------------------------------------------------------------- operator

  function operatorTabs(active) {
    const tabs = [['keys', 'All keys'], ['due', 'Rotations due'], ['compliance', 'Compliance'], ['revoke', 'Bulk revoke']];
    return h('nav', {'aria-label': 'Operator views', class: 'tabs'}, h('ul', {}, tabs.map(([k, t]) =>
      h('li', {}, h('a', {href: '#/operator/' + k, 'aria-current': k === active ? 'page' : null}, t)))));
  }

  function params(hash) {
    return new URLSearchParams(hash.split('?')[1] || '');
  }

  function filterForm(fields, onApply) {
    const controls = {};
    const form = h('form', {class: 'filters', novalidate: true}, fields.map(([name, label, type, options, value]) => {
      const control = type === 'select'
        ? h('select', {id: id(name)}, options.map(([v, t]) => h('option', {value: v, selected: v === value ? true : null}, t)))
        : h('input', {id: id(name), type: type || 'text', value: value || '', autocomplete: 'off'});
      controls[name] = control;
      return field(label, control);
    }), h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Apply')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = {};
      for (const [k, c] of Object.entries(controls)) values[k] = c.value.trim();
      onApply(values);
    });
    return form;
  }

  async function operatorView(tab) {
    const seq = renderSeq;
    const p = params(location.hash);
    let content;
    if (tab === 'keys') {
      const filters = {owner: p.get('owner') || '', status: p.get('status') || '', environment: p.get('environment') || '', tag: p.get('tag') || ''};
      const list = await pagedKeys('Keys of every owner', 'operator/keys', filters, true);
      content = [filterForm([
        ['owner', 'Owner', 'text', null, filters.owner],
        ['status', 'Status', 'select', [['', 'Any'], ['active', 'Active'], ['revoked', 'Revoked']], filters.status],
        ['environment', 'Environment', 'text', null, filters.environment],
        ['tag', 'Tag', 'text', null, filters.tag]
      ], (v) => { location.hash = '#/operator/keys' + q(v); }), list];
    } else if (tab === 'due') {
      content = [await duePanel()];
    } else if (tab === 'compliance') {
      content = [await compliancePanel(p)];
    } else {
      content = [bulkRevokePanel()];
    }
    if (seq !== renderSeq) return;
    render('Operator', 'operator', operatorTabs(tab), ...content);
  }

  async function duePanel() {
    let page = await api('GET', 'operator/due');
    const body = h('tbody');
    const add = (items) => {
      for (const d of items) {
        body.append(h('tr', {class: d.urgency === 'UPCOMING' ? '' : 'attention'},
          h('th', {scope: 'row'}, keyLink(d.key)), h('td', {}, d.key.owner), h('td', {}, d.key.environment), h('td', {}, d.riskClass),
          h('td', {}, when(d.dueAt, page.asOf)), h('td', {}, urgencyBadge(d.urgency)),
          h('td', {}, d.rotationInProgress ? 'Yes' : 'No'), h('td', {}, d.reason, d.advice ? [h('br'), h('em', {}, d.advice)] : null)));
      }
      if (!body.children.length) body.append(h('tr', {}, h('td', {colspan: 8, class: 'muted'}, 'Nothing is due.')));
    };
    add(page.items);
    const more = button('Load more', async () => {
      page = await api('GET', 'operator/due' + q({after: page.next}));
      add(page.items);
      more.hidden = !page.next;
    }, {class: 'more', hidden: !page.next});
    const c = page.counts;
    return h('section', {},
      h('p', {class: 'summary'}, h('span', {}, urgencyBadge('OVERDUE'), ' ', String(c.overdue)), ' · ',
        h('span', {}, urgencyBadge('DUE'), ' ', String(c.due)), ' · ', h('span', {}, urgencyBadge('UPCOMING'), ' ', String(c.upcoming))),
      h('table', {class: 'due'}, h('caption', {}, 'Rotations due, soonest first'),
        h('thead', {}, h('tr', {}, ['Key', 'Owner', 'Environment', 'Risk class', 'Due', 'Urgency', 'Rotating', 'Why'].map((t) => h('th', {scope: 'col'}, t)))),
        body), more);
  }

  async function compliancePanel(p) {
    const days = p.get('maxAgeDays') || '90';
    const form = filterForm([
      ['maxAgeDays', 'Maximum age (days)', 'number', null, days],
      ['environment', 'Environment', 'text', null, p.get('environment') || ''],
      ['owner', 'Owner', 'text', null, p.get('owner') || ''],
      ['tag', 'Tag', 'text', null, p.get('tag') || '']
    ], (v) => { location.hash = '#/operator/compliance' + q(v); });
    const r = await api('GET', 'operator/compliance' + q({maxAge: 'P' + (parseInt(days, 10) || 90) + 'D',
      environment: p.get('environment'), owner: p.get('owner'), tag: p.get('tag')}));
    const rows = r.findings.map((f) => h('tr', {class: f.issues.includes('TOO_OLD') ? 'attention' : ''},
      h('th', {scope: 'row'}, keyLink(f.key)), h('td', {}, f.key.owner), h('td', {}, f.key.environment),
      h('td', {}, human(seconds(f.age))), h('td', {}, f.riskClass), h('td', {}, f.issues.join(', ')),
      h('td', {}, f.recommendations.join(' '))));
    return h('section', {}, form,
      h('p', {class: 'notice ' + (r.compliant ? 'notice-ok' : 'notice-danger'), id: 'compliance-verdict'},
        r.compliant ? '✓ Compliant: ' : '✕ Not compliant: ', r.keysChecked + ' keys checked, ' +
          r.findings.filter((f) => f.issues.includes('TOO_OLD')).length + ' older than ' + human(seconds(r.maxAge)) + '.'),
      h('table', {}, h('caption', {}, 'Findings'),
        h('thead', {}, h('tr', {}, ['Key', 'Owner', 'Environment', 'Age', 'Risk class', 'Issues', 'What to do'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: 7, class: 'muted'}, 'No findings.')))),
      r.withoutEnvironment.length ? [h('h2', {}, 'Keys without an environment'),
        h('ul', {}, r.withoutEnvironment.map((k) => h('li', {}, keyLink(k), ' (', k.owner, ')')))] : null);
  }

  function bulkRevokePanel() {
    const owner = h('input', {id: id('owner'), type: 'text', autocomplete: 'off'});
    const tag = h('input', {id: id('tag'), type: 'text', autocomplete: 'off'});
    const env = h('input', {id: id('env'), type: 'text', autocomplete: 'off'});
    const reason = h('input', {id: id('reason'), type: 'text', autocomplete: 'off', required: true});
    const err = errorBox();
    const out = h('div', {id: 'bulk-result'});
    const form = h('form', {novalidate: true},
      h('p', {}, 'Revokes every active key of an owner or carrying a tag. Preview first: the dry run changes nothing.'),
      field('Owner', owner), field('Tag', tag), field('Environment (optional)', env), field('Reason', reason, 'Kept in each key\u2019s history.'),
      err, h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'preview'}, 'Preview (dry run)')), out);
    const selector = () => ({owner: owner.value.trim() || null, tag: tag.value.trim() || null, environment: env.value.trim() || null});
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.textContent = '';
      out.replaceChildren();
      try {
        const sel = selector();
        const preview = await api('POST', 'operator/revoke-all', Object.assign({}, sel, {reason: reason.value, dryRun: true}));
        const what = sel.owner ? sel.owner : sel.tag;
        const list = h('table', {}, h('caption', {}, preview.selected + ' keys would be revoked'),
          h('thead', {}, h('tr', {}, ['Key', 'Owner', 'Environment', 'Last used'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, preview.entries.map((en) => h('tr', {}, h('th', {scope: 'row'}, keyLink(en.key)), h('td', {}, en.key.owner),
            h('td', {}, en.key.environment), h('td', {}, fmtTime(en.key.lastUsedAt))))));
        const go = preview.selected === 0 ? null : button('Revoke ' + preview.selected + ' keys…', () => confirmDialog({
          title: 'Revoke ' + preview.selected + ' keys',
          danger: true,
          text: [{warning: true, text: '⚠ Irreversible: every one of these keys gets 401 from now on.'}],
          action: 'Revoke ' + preview.selected + ' keys',
          fields: [{name: 'confirm', label: 'Type “' + what + '” to confirm', match: what}],
          run: async () => {
            const done = await api('POST', 'operator/revoke-all', Object.assign({}, sel,
              {reason: reason.value, dryRun: false, expectedCount: preview.selected}));
            closeDialog();
            announce(done.revoked + ' keys revoked');
            out.replaceChildren(h('p', {class: 'notice notice-ok', id: 'bulk-done'}, '✓ ' + done.revoked + ' keys revoked' +
              (done.failed ? ', ' + done.failed + ' failed (run it again)' : '') + '.'));
          }
        }), {class: 'danger', id: 'bulk-go'});
        out.replaceChildren(h('h2', {}, 'Dry run'), list, go);
      } catch (ex) {
        showError(err, ex);
      }
    });
    return form;
  }

  // ----------------------------------------------------------------------------------------- router

  const ROUTES = [
    [/^#\/owners\/([^/?]+)(?:\?.*)?$/, (m) => ownerView(decodeURIComponent(m[1]))],
    [/^#\/keys\/([A-Za-z0-9]{12})$/, (m) => keyView(m[1])],
    [/^#\/keys\/([A-Za-z0-9]{12})\/rotation$/, (m) => rotationView(m[1])],
    [/^#\/keys\/([A-Za-z0-9]{12})\/audit(?:\?.*)?$/, (m) => auditView(m[1])],
    [/^#\/operator(?:\/(keys|due|compliance|revoke))?(?:\?.*)?$/, (m) => operatorView(m[1] || 'keys')]
  ];

  async function route() {
    if (dialog.open) closeDialog();
    const hash = location.hash;
    if (hash && !hash.startsWith('#/')) return; // the skip link and other in-page anchors
    renderSeq++;
    if (!hash || hash === '#/') {
      location.replace(session.owners.length ? '#/owners/' + encodeURIComponent(session.owners[0]) : '#/operator/keys');
      return;
    }
    for (const [re, fn] of ROUTES) {
      const m = re.exec(hash);
      if (m) {
        try {
          await fn(m);
          const title = document.getElementById('view-title');
          if (title) title.focus();
        } catch (e) {
          render('Something went wrong', null, h('p', {class: 'error', role: 'alert'},
            e instanceof ApiError && e.status === 404 ? 'Not found: it does not exist, or it is not one of your keys.' : String(e.message || e)));
        }
        return;
      }
    }
    render('Not found', null, h('p', {}, 'This page does not exist.'));
  }

  async function start() {
    try {
      await loadSession();
    } catch (e) {
      view.replaceChildren(h('h1', {}, 'API keys'), h('p', {class: 'error', role: 'alert'},
        e instanceof ApiError && e.status === 401 ? 'You are not signed in.' : 'The console could not load: ' + e.message));
      return;
    }
    window.addEventListener('hashchange', route);
    route();
  }

  start();
})();
