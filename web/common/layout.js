// layout.js - the header and footer every tongban page shares.
//
// A page's HTML has an empty <header class="site-header"> and
// <footer class="site-footer"> around its <main id="main">, plus a skip link
// before them; renderLayout() fills the header (platform name, main
// navigation, language switch) and the footer, and applies the current
// language to the whole page. Links are built from this module's own URL, so
// the pages work wherever web/ is mounted. Elements are built with the DOM API
// (no innerHTML, no inline style) to stay inside the CSP: default-src 'self'.

import { applyI18n, lang, otherLang, onLangChange, setLang } from './i18n.js';

const ROOT = new URL('../', import.meta.url).pathname; // web/ as served, ends in '/'

/* Build an element: el('a', { class: 'x', href: '/' }, child, 'text', ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/* Text element bound to an i18n key (its text is set by applyI18n). */
function tx(tag, key, attrs = {}) {
  return el(tag, { ...attrs, 'data-i18n': key });
}

const NAV = [
  { key: 'nav.home', href: ROOT },
  { key: 'nav.services', href: `${ROOT}#services` },
  { key: 'nav.about', href: `${ROOT}#about` },
];

function renderHeader(header) {
  const brand = el(
    'a',
    { class: 'brand', href: ROOT },
    el('img', { class: 'brand-mark', src: `${ROOT}favicon.svg`, alt: '', width: 44, height: 44 }),
    el('span', { class: 'brand-text' }, tx('span', 'site.name', { class: 'brand-name' }), tx('span', 'site.sub', { class: 'brand-sub' })),
  );

  const here = window.location.pathname;
  const list = el('ul', { class: 'nav-list' });
  for (const item of NAV) {
    const current = item.href === ROOT && (here === ROOT || here === `${ROOT}index.html`);
    list.append(el('li', {}, tx('a', item.key, { href: item.href, 'aria-current': current ? 'page' : null })));
  }
  const nav = el('nav', { class: 'site-nav', 'data-i18n-attr': 'aria-label:nav.label' }, list);

  const button = el('button', {
    type: 'button',
    class: 'lang-switch',
    'data-i18n': 'lang.switch',
    'data-i18n-attr': 'title:lang.switch.label',
  });
  button.addEventListener('click', () => setLang(otherLang()));

  header.replaceChildren(
    el('div', { class: 'gov-strip' }),
    el('div', { class: 'container header-bar' }, brand, el('div', { class: 'header-tools' }, button)),
    el('div', { class: 'nav-bar' }, el('div', { class: 'container' }, nav)),
  );
  return button;
}

function renderFooter(footer) {
  footer.replaceChildren(
    el(
      'div',
      { class: 'container footer-inner' },
      tx('p', 'footer.name', { class: 'footer-name' }),
      el('p', { class: 'footer-note' }, tx('span', 'footer.offline'), ' ', tx('span', 'footer.tz')),
    ),
  );
}

/*
 * Show who is logged in at the right of the header: the account's name as a
 * link to profileHref and a logout button calling onLogout. Call with null to
 * remove it. Texts come from common/account-text.js (acct.*).
 */
export function setHeaderAccount(account, { profileHref, onLogout } = {}) {
  const tools = document.querySelector('header.site-header .header-tools');
  if (!tools) return;
  const old = tools.querySelector('.header-account');
  if (old) old.remove();
  if (!account) return;
  const name = account.name || account.username || '';
  const logout = tx('button', 'acct.logout', { type: 'button', class: 'header-logout' });
  if (onLogout) logout.addEventListener('click', onLogout);
  const box = el(
    'div',
    { class: 'header-account', 'data-i18n-attr': 'aria-label:acct.area', role: 'group' },
    el('span', { class: 'visually-hidden', 'data-i18n': 'acct.logged-in' }),
    profileHref ? el('a', { class: 'header-user', href: profileHref }, name) : el('span', { class: 'header-user' }, name),
    logout,
  );
  tools.prepend(box);
  applyI18n(tools);
}

/*
 * Fill the shared header and footer and apply the language to the page.
 * Call once from each page module, after adding the page's own messages.
 */
export function renderLayout() {
  const header = document.querySelector('header.site-header');
  const footer = document.querySelector('footer.site-footer');
  const button = header ? renderHeader(header) : null;
  if (footer) renderFooter(footer);

  // The switch is labelled in the language it switches to.
  const markButton = () => button && button.setAttribute('lang', otherLang());
  markButton();
  onLangChange(markButton);
  applyI18n();
  return { lang: lang() };
}
