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
