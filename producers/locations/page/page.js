// The location service's page: shows the signed-in user's registration and
// status (GET /v1/me), registers a new address (POST /v1/me/registration),
// and confirms the current one. A personal link's token arrives in the URL
// fragment (#link=...), which browsers never send to a server; it is taken
// out of the address bar at once and sent as a bearer token.
'use strict';

(function () {
  const FIELDS = ['country', 'house_number', 'street', 'unit', 'floor', 'city', 'state', 'postal_code', 'additional'];
  const STATUS_TEXT = {
    'confirmed': 'Your location is registered and current.',
    'stale': 'Your registered location needs confirming.',
    'network-changed': 'You may have moved: your network has changed.',
    'missing': 'No location is registered for you.',
    'not-dispatchable': 'Your registered address is incomplete.'
  };
  let token = null;
  let current = null;

  function $(id) { return document.getElementById(id); }

  function takeLinkToken() {
    const match = /(?:^#|&)link=([^&]+)/.exec(window.location.hash);
    if (!match) return;
    token = decodeURIComponent(match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (token) headers['Authorization'] = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, data: data };
  }

  function notice(text, kind) {
    const n = $('notice');
    n.textContent = text;
    n.className = kind || 'info';
    n.hidden = !text;
  }

  function setText(id, text) { $(id).textContent = text; }

  function render(me) {
    current = me;
    document.body.dataset.status = me.status;
    setText('status-line', STATUS_TEXT[me.status] || me.status);
    const badge = $('status-badge');
    badge.textContent = 'Status: ' + me.status;
    badge.className = 'badge badge-' + me.status;
    badge.hidden = false;
    const reasons = $('reasons');
    reasons.replaceChildren();
    for (const reason of me.reasons || []) {
      const li = document.createElement('li');
      li.textContent = reason;
      reasons.appendChild(li);
    }
    const reg = me.registration;
    $('registered').hidden = !reg;
    if (reg) {
      setText('responders-told', me.responders_told);
      setText('registered-at', new Date(reg.registered_at).toLocaleString());
      setText('validated', reg.validated ? 'Yes: confirmed by the address service'
                                          : 'No: checked for completeness only');
      fillForm(reg.address);
    }
    $('network-warning').hidden = me.status !== 'network-changed';
    $('confirm').hidden = !reg || me.status === 'not-dispatchable' || me.status === 'missing';
    setText('dial-number', me.emergency_number);
    setText('dial-now', dialNowText(me));
    if (me.backup_method) setText('backup-method', me.backup_method);
  }

  function dialNowText(me) {
    const n = me.emergency_number;
    switch (me.status) {
      case 'confirmed':
        return 'Your call to ' + n + ' goes through, and responders are told: ' + me.responders_told +
               '. Your organisation\'s security team is alerted at the same time.';
      case 'stale':
      case 'network-changed':
        return 'Your call to ' + n + ' goes through, but responders are told ' + me.responders_told +
               ', which may not be where you are. Tell the call taker where you are, and update your address below.';
      default:
        return 'Your call to ' + n + ' goes through, but responders are not told where you are: the call may go ' +
               'to a national relay centre first. Tell the call taker where you are, and register your address below.';
    }
  }

  function fillForm(address) {
    for (const f of FIELDS) {
      const el = $(f);
      if (address[f] !== undefined) el.value = address[f];
    }
    $('multi_dwelling').checked = !!address.multi_dwelling;
    unitRequired();
  }

  function readForm() {
    const address = {};
    for (const f of FIELDS) {
      const v = $(f).value.trim();
      if (v) address[f] = v;
    }
    if ($('multi_dwelling').checked) address.multi_dwelling = true;
    return address;
  }

  function unitRequired() {
    const required = $('multi_dwelling').checked;
    $('unit').required = required;
    $('unit').setAttribute('aria-required', required ? 'true' : 'false');
    $('unit-required').hidden = !required;
  }

  function clearErrors() {
    for (const f of FIELDS) {
      const e = $(f + '-error');
      e.hidden = true;
      e.textContent = '';
      $(f).removeAttribute('aria-invalid');
    }
  }

  function fieldError(field, message) {
    const name = (field || '').replace(/^address\./, '');
    if (FIELDS.indexOf(name) < 0) {
      notice(message, 'error');
      return;
    }
    const e = $(name + '-error');
    e.textContent = message;
    e.hidden = false;
    $(name).setAttribute('aria-invalid', 'true');
    $(name).focus();
  }

  function requiredMissing(address) {
    if (!address.street) return ['address.street', 'Enter the street.'];
    if (!address.city) return ['address.city', 'Enter the city or town.'];
    if (address.multi_dwelling && !address.unit && !(address.floor && address.room)) {
      return ['address.unit', 'Enter the apartment, suite or unit: the building has several.'];
    }
    return null;
  }

  async function register(address) {
    clearErrors();
    notice('');
    const missing = requiredMissing(address);
    if (missing) {
      fieldError(missing[0], missing[1]);
      return;
    }
    $('register').disabled = true;
    $('confirm').disabled = true;
    try {
      const r = await api('POST', '/v1/me/registration', { address: address });
      if (r.status === 201) {
        render(r.data);
        notice('Registered. Responders will be told: ' + r.data.responders_told, 'success');
      } else if (r.status === 422 && r.data) {
        fieldError(r.data.field, r.data.error);
      } else if (r.status === 401) {
        notSignedIn(r.data);
      } else {
        notice((r.data && r.data.error) || ('The service answered ' + r.status + '. Try again.'), 'error');
      }
    } catch (e) {
      notice('The service cannot be reached. Try again in a moment; nothing was registered.', 'error');
    } finally {
      $('register').disabled = false;
      $('confirm').disabled = false;
    }
  }

  function notSignedIn(data) {
    setText('status-line', 'You are not signed in.');
    notice('You are not signed in. Open the link from your reminder e-mail, or sign in through your ' +
           'organisation\'s sign-on. ' + ((data && data.error) || ''), 'error');
  }

  async function load() {
    try {
      const r = await api('GET', '/v1/me');
      if (r.status === 200) render(r.data);
      else if (r.status === 401) notSignedIn(r.data);
      else notice((r.data && r.data.error) || ('The service answered ' + r.status + '.'), 'error');
    } catch (e) {
      notice('The service cannot be reached. Try again in a moment.', 'error');
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    takeLinkToken();
    $('multi_dwelling').addEventListener('change', unitRequired);
    $('address-form').addEventListener('submit', function (event) {
      event.preventDefault();
      register(readForm());
    });
    $('confirm').addEventListener('click', function () {
      if (current && current.registration) register(current.registration.address);
    });
    unitRequired();
    load();
  });
})();
