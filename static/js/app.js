// Evidence Guidebook front-end initialiser (ES module).
//
// Loaded at the end of <body> with:
//   <script type="module" src="{% static 'js/app.js' %}"></script>
// Browsers that do not support ES modules never run this file, so they keep
// the no-JavaScript versions of the components.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

// GOV.UK Frontend 6.x only initialises components (and its CSS only applies
// the JavaScript-enhanced styles) when <body> has this class. The official
// template adds it with an inline <script>, which our strict
// Content-Security-Policy forbids, so we add it here instead. Reaching this
// line already proves ES module support, which is what the class signals.
document.body.classList.add('govuk-frontend-supported')

// Find every element with a data-module="govuk-..." attribute and initialise
// the matching component (accordion, button, character count, checkboxes,
// error summary, exit this page, file upload, notification banner, password
// input, radios, service navigation, skip link, tabs).
initAll()

// Closed <details> print open (not the list page's filters). static/css/print.css does it with
// ::details-content; this does it for browsers without that selector: open each closed one for
// printing, then close it again.
let openedForPrint = []
window.addEventListener('beforeprint', () => {
  openedForPrint = [...document.querySelectorAll('details:not([open]):not(.app-facet)')]
  openedForPrint.forEach((details) => { details.open = true })
})
window.addEventListener('afterprint', () => {
  openedForPrint.forEach((details) => { details.open = false })
  openedForPrint = []
})

// Search and filter forms leave out fields left empty ("Any", a blank search), so the address they give
// is the canonical one (without JavaScript the list redirects there instead). Fields are disabled only
// for the submission: coming back to the page (back button, page cache) enables them again.
for (const form of document.querySelectorAll('form[role="search"][method="get"]')) {
  form.addEventListener('submit', () => {
    for (const field of form.elements) {
      if (field.name && !field.disabled && field.value.trim() === '' && (field.type !== 'radio' || field.checked)) {
        field.disabled = true
        field.dataset.appEmpty = 'true'
      }
    }
  })
  window.addEventListener('pageshow', () => {
    for (const field of form.querySelectorAll('[data-app-empty]')) {
      field.disabled = false
      delete field.dataset.appEmpty
    }
  })
}

// "Print or save as PDF" buttons (the commissioning pack): hidden until this script can make them work.
for (const button of document.querySelectorAll('[data-app-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}

// Shortlist buttons: with JavaScript, add or remove without reloading, so a reader keeps their place in
// a long list. The same POST as without JavaScript; the page it redirects to supplies the new button, the
// header's count and the message, which a live region reads out. Anything unexpected: submit normally.
const shortlistStatus = document.createElement('p')
shortlistStatus.className = 'govuk-visually-hidden'
shortlistStatus.setAttribute('role', 'status')
// Inside <main>, so what it says belongs to a landmark.
const shortlistStatusParent = document.querySelector('main') || document.body
shortlistStatusParent.append(shortlistStatus)

function enhanceShortlistForm (form) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (form.dataset.appBusy) return // a second click while the first is on its way
    form.dataset.appBusy = 'true'
    const slug = form.elements.slug.value
    let fresh
    try {
      const response = await fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      fresh = new DOMParser().parseFromString(await response.text(), 'text/html')
    } catch {
      form.submit()
      return
    }
    const input = fresh.querySelector(`.app-shortlist-form input[name="slug"][value="${CSS.escape(slug)}"]`)
    const count = fresh.querySelector('[data-app-shortlist-count]')
    if (!input || !count) {
      // Not the page we expected: show it as the server sent it, without JavaScript's help.
      form.submit()
      return
    }
    const replacement = document.importNode(input.closest('form'), true)
    form.replaceWith(replacement)
    enhanceShortlistForm(replacement)
    replacement.querySelector('button').focus()
    document.querySelector('[data-app-shortlist-count]')?.replaceChildren(...count.cloneNode(true).childNodes)
    const message = fresh.querySelector('.govuk-notification-banner__heading')
    shortlistStatus.textContent = message ? message.firstChild.textContent.trim() : ''
  })
}
// On the shortlist page a removal changes the whole page (count, compare, pack): there, reload as usual.
if (!document.querySelector('[data-app-shortlist-page]')) {
  for (const form of document.querySelectorAll('.app-shortlist-form')) enhanceShortlistForm(form)
}
