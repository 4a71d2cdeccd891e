"""The page's layout rules: a phone stacks everything at full width, a projector gets large
type. Columns come from Vuetify's 12-column grid (``solara.ColumnsResponsive``): below
960 px (``PHONE_MAX``) every column is a row of its own.
"""

from __future__ import annotations

PHONE_MAX = 959  # px: Vuetify's "md" breakpoint starts at 960

CSS = f"""
/* text wraps between words, never inside one (Vuetify breaks card titles anywhere) */
.v-card__title {{ word-break: normal; overflow-wrap: break-word; hyphens: auto; }}
.nws-page {{ overflow-wrap: break-word; hyphens: auto; }}
/* a button as wide as its column at most; a long (German) label wraps inside it */
.nws-page .v-btn {{ max-width: 100%; }}
.nws-page .v-btn:not(.v-btn--icon) {{ height: auto !important; min-height: 36px;
  padding-top: 6px !important; padding-bottom: 6px !important; }}
.nws-page .v-btn__content {{ white-space: normal; flex: 1 1 auto; line-height: 1.25;
  text-align: center; min-width: 0; }}
/* a wide table scrolls inside its box, the page does not */
.nws-md table {{ display: block; overflow-x: auto; max-width: 100%; border-collapse: collapse; }}
.nws-md td, .nws-md th {{ padding: 2px 8px; vertical-align: top; }}
.nws-md th {{ text-align: left; }}
.nws-nowrap td, .nws-nowrap th {{ white-space: nowrap; }}
.nws-nowrap td:first-child {{ white-space: normal; min-width: 10em; }}
.nws-page img.solara-image {{ max-width: 100%; height: auto; }}
/* a chart drawn for a phone (live.NARROW_WIDTH) on a wider screen that stacks the columns
   (a tablet): no larger than its type needs */
.nws-page .nws-narrow img.solara-image {{ max-width: min(100%, 560px); }}
.nws-title h1 {{ margin: 0; font-size: 1.5rem; line-height: 1.3; }}
.nws-answer-heading {{ margin: 0; font-size: 1.25rem; line-height: 1.3; font-weight: 500; }}
/* the settings of the controls fold away on a phone */
@media (min-width: {PHONE_MAX + 1}px) {{ .nws-phone-only {{ display: none !important; }} }}
@media (max-width: {PHONE_MAX}px) {{
  .nws-settings:not(.nws-open) {{ display: none !important; }}
  .nws-title h1 {{ font-size: 1.2rem; line-height: 1.35; }}
  .nws-page {{ padding: 4px !important; }}
  /* the tree's card as wide as the page, so that its chart is shown as wide as the others
     less 8 px (live.NARROW_SHOWN: 304 px on a 320 px screen) */
  .nws-page .nws-tree {{ margin-left: 0 !important; margin-right: 0 !important; }}
  .nws-page .nws-tree > .v-card__text {{ padding-left: 4px; padding-right: 4px; }}
  .nws-page .v-card__title {{ font-size: 1.1rem; }}
  /* every tab in reach: the tab bar wraps instead of sliding sideways */
  .nws-page .v-tabs-bar {{ height: auto !important; }}
  .nws-page .v-slide-group__wrapper {{ overflow: visible; contain: none; flex: 1 1 100%;
    min-width: 0; }}
  .nws-page .v-slide-group__content {{ flex-wrap: wrap; flex: 1 1 100%; min-width: 0;
    max-width: 100%; transform: none !important; }}
  .nws-page .v-slide-group__prev, .nws-page .v-slide-group__next {{ display: none !important; }}
  .nws-page .v-tabs-slider-wrapper {{ display: none; }}
  .nws-page .v-tab {{ flex: 1 1 auto; min-width: 0; height: 40px; padding: 0 10px;
    white-space: normal; }}
  .nws-page .v-tab--active {{ background: rgba(25, 118, 210, 0.12); border-radius: 4px; }}
}}
/* presentation mode: large type for the back row of a classroom */
.nws-present {{ font-size: 1.3rem; }}
.nws-present .v-card__title {{ font-size: 1.8rem; line-height: 1.3; }}
.nws-present .v-btn {{ font-size: 1.15rem !important; }}
.nws-present .v-tab {{ font-size: 1.1rem; }}
.nws-present .nws-title h1 {{ font-size: 1.8rem; line-height: 1.3; }}
.nws-present .nws-big {{ font-size: 1.5rem; }}
.nws-present .nws-md, .nws-present .nws-md td {{ font-size: 1.3rem !important; }}
/* screen readers: text only they read (the live region), and a chart's data as a table */
.nws-sr-only {{ position: absolute !important; width: 1px; height: 1px; padding: 0;
  margin: -1px; overflow: hidden; clip: rect(0, 0, 0, 0); clip-path: inset(50%);
  white-space: nowrap; border: 0; }}
.nws-chart .nws-table-toggle {{ align-self: flex-start; text-transform: none; }}
.nws-table {{ max-height: 22em; overflow: auto; max-width: 100%; font-size: 0.9em; }}
.nws-table table {{ border-collapse: collapse; }}
.nws-table caption {{ text-align: left; font-weight: bold; padding: 2px 6px; white-space: normal; }}
.nws-table th, .nws-table td {{ padding: 2px 8px; border-bottom: 1px solid #ddd;
  text-align: right; white-space: nowrap; }}
.nws-table th[scope="row"] {{ text-align: left; font-weight: normal; }}
.nws-table thead th {{ position: sticky; top: 0; background: #fff; vertical-align: bottom;
  white-space: normal; }}
/* focus always visible (WCAG 2.4.7): Vuetify marks many controls by a faint tint only */
.nws-page :focus-visible, .v-dialog :focus-visible, .v-menu__content :focus-visible {{
  outline: 3px solid #0d47a1 !important; outline-offset: 2px; }}
/* a file chooser's input is hidden: its field shows the focus */
.nws-page .v-file-input .v-input__slot:focus-within {{ outline: 3px solid #0d47a1;
  outline-offset: 2px; }}
/* a slider's focus is on a box of no size around its thumb: the thumb shows it */
.nws-page .v-slider__thumb-container:focus-visible {{ outline: none !important; }}
.nws-page .v-slider__thumb-container:focus-visible .v-slider__thumb {{
  outline: 3px solid #0d47a1; outline-offset: 3px; }}
@media (max-width: {PHONE_MAX}px) {{
  /* the chosen tab's name on its tint: 4.5:1 at least (WCAG 1.4.3) */
  .nws-page .v-tab--active {{ color: #0d47a1 !important; }}
}}
"""
