// The console's shell: sign-in when the control plane asks for the admin token, the view
// switcher (one view per URL fragment, so Back and bookmarks work), and the server line.

import { control, setAdminToken, adminToken, ApiError } from './api.js';
import { $, $$, fill, toast } from './dom.js';
import * as traffic from './traffic.js';
import * as customers from './customers.js';
import * as controls from './controls.js';
import * as health from './health.js';

const VIEWS = { traffic, customers, controls, health };
const started = new Set();
let current = null;
let signedIn = false;

function show(name, { focus = true } = {}) {
  if (!signedIn) name = 'login';
  else if (!VIEWS[name]) name = 'traffic';
  for (const section of $$('.view')) section.hidden = section.id !== `view-${name}`;
  for (const link of $$('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (current && current !== name && VIEWS[current]?.hide) VIEWS[current].hide();
  current = name;
  const view = VIEWS[name];
  if (view && !started.has(name)) {
    started.add(name);
    view.start();
  }
  if (view?.show) view.show();
  document.title = `${name === 'login' ? 'Sign in' : $(`#nav a[data-view="${name}"]`).textContent} · partnerd console`;
  if (focus) $(`#view-${name} h1`).focus();
}

async function checkAccess() {
  try {
    const info = await control('GET', '/');
    signedIn = true;
    $('#sign-out').hidden = !adminToken();
    showInfo(info);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return false;
    throw e;
  }
}

/** The server's line in the header: mode, version, and the clock offset when it is moved. */
function showInfo(info) {
  const offset = info.clockOffsetSeconds ? ` · clock ${info.clockOffsetSeconds > 0 ? '+' : ''}${info.clockOffsetSeconds}s` : '';
  fill($('#server-info'), `${info.mode} · v${info.version}${offset}`);
}

async function signIn(event) {
  event.preventDefault();
  const input = $('#login-token');
  setAdminToken(input.value.trim());
  const error = $('#login-error');
  try {
    if (await checkAccess()) {
      input.value = '';
      error.hidden = true;
      show(location.hash.slice(1) || 'traffic');
    } else {
      setAdminToken(null);
      fill(error, 'That is not this server’s admin token.').hidden = false;
      input.focus();
    }
  } catch (e) {
    fill(error, `The server did not answer: ${e.message}`).hidden = false;
  }
}

function signOut() {
  setAdminToken(null);
  location.reload();
}

async function boot() {
  $('#login-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  window.addEventListener('partnerd:clock', () => checkAccess().catch(() => {}));
  window.addEventListener('partnerd:unauthorized', () => {
    if (!signedIn) return;
    signedIn = false;
    setAdminToken(null);
    toast('The control plane refused the admin token; sign in again.', 'error');
    show('login');
  });
  try {
    await checkAccess();
  } catch (e) {
    toast(`The control plane did not answer: ${e.message}`, 'error');
  }
  show(location.hash.slice(1) || 'traffic', { focus: false });
}

boot();
