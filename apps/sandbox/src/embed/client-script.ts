/**
 * The embed page's only script (tenantdash extension, see README "postMessage protocol"). Plain browser
 * JavaScript kept as a string so it ships inline under the page's CSP nonce, with no asset to fetch.
 * It reads its settings from the JSON in #td-boot, the message prefix and version among them (from
 * @tenantdash/core, which defines the protocol).
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var boot = JSON.parse(document.getElementById('td-boot').textContent);
  var PREFIX = boot.prefix;
  var VERSION = boot.version;
  var skewMs = boot.server_now_ms - Date.now();
  var nowMs = function () { return Date.now() + skewMs; };
  var allowed = boot.allowed_origins || [];
  var framed = window.parent !== window;
  var log = function (level, text) { if (boot.debug && window.console) window.console[level]('[tenantdash-sandbox] ' + text); };

  function targets() {
    var ancestors = window.location.ancestorOrigins;
    if (ancestors && ancestors.length > 0) {
      return allowed.indexOf(ancestors[0]) >= 0 ? [ancestors[0]] : [];
    }
    return allowed.slice();
  }
  function post(name, fields) {
    if (!framed) return;
    var message = { type: PREFIX + name, version: VERSION };
    for (var key in fields) message[key] = fields[key];
    targets().forEach(function (origin) { window.parent.postMessage(message, origin); });
  }

  if (boot.status === 'error') {
    log('error', 'embed refused: ' + boot.error.code);
    post('error', { code: boot.error.code, status: boot.error.status });
    return;
  }

  var root = document.getElementById('td-root');
  var expiresAt = boot.expires_at;
  var timers = [];
  var lastHeight = -1;

  function height() { return Math.ceil(root.getBoundingClientRect().height); }
  function reportHeight() {
    var h = height();
    if (h === lastHeight) return;
    lastHeight = h;
    post('resize', { height: h });
  }
  function clearTimers() { timers.forEach(clearTimeout); timers = []; }
  function later(fn, ms) { timers.push(setTimeout(fn, Math.max(0, Math.min(ms, 2147483647)))); }
  function schedule() {
    clearTimers();
    var leftMs = expiresAt * 1000 - nowMs();
    // At most a quarter of what is left: a fixed lead longer than a short token's lifetime would announce
    // every fresh token as expiring the moment it arrives.
    var lead = Math.min(boot.lead_seconds * 1000, leftMs / 4);
    later(function () {
      post('token-expiring', { expires_at: expiresAt, seconds_left: Math.max(0, Math.round((expiresAt * 1000 - nowMs()) / 1000)) });
      log('info', 'token expiring');
    }, leftMs - lead);
    later(function () {
      document.body.classList.add('expired');
      post('token-expired', { expires_at: expiresAt });
      log('info', 'token expired');
    }, leftMs);
  }

  function checkToken(candidate) {
    var url = window.location.pathname.replace(/\/?$/, '/token-check');
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: candidate, workspace_id: boot.workspace_id, dashboard_id: boot.dashboard_id, tenant_id: boot.tenant_id }),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer'
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok && body && body.valid === true) return { ok: true, expires_at: body.expires_at };
        return { ok: false, code: (body && body.code) || 'TOKEN_INVALID' };
      });
    }, function () { return { ok: false, code: 'NETWORK_ERROR' }; });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || allowed.indexOf(event.origin) < 0) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.version !== VERSION || data.type !== PREFIX + 'set-token') return;
    if (typeof data.token !== 'string' || data.token.length === 0) {
      post('token-rejected', { code: 'TOKEN_MALFORMED' });
      return;
    }
    checkToken(data.token).then(function (result) {
      if (!result.ok) {
        log('error', 'new token refused: ' + result.code);
        post('token-rejected', { code: result.code });
        return;
      }
      expiresAt = result.expires_at;
      document.body.classList.remove('expired');
      schedule();
      post('token-accepted', { expires_at: expiresAt });
      log('info', 'new token accepted');
    });
  });

  post('ready', { dashboard_id: boot.dashboard_id, expires_at: expiresAt, height: height() });
  lastHeight = height();
  if (typeof ResizeObserver === 'function') new ResizeObserver(reportHeight).observe(root);
  window.addEventListener('resize', reportHeight);
  schedule();
  log('info', 'embed ready');
})();`;
