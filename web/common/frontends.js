// frontends.js - the five front ends of tongban, one row each.
//
// The landing page renders a card per row and the shared header may link to
// them. A front end is "available" once its folder under web/ has an
// index.html; until then its card says 建设中 (coming soon) and is not a link.
// Turning one on is flipping its flag here, nothing else. Names and
// descriptions live in the i18n table (common/i18n.js) under
// frontend.<id>.name / .desc / .who.

export const FRONTENDS = Object.freeze([
  { id: 'portal', path: 'portal/', glyph: '办', available: true },
  { id: 'hall', path: 'hall/', glyph: '窗', available: true },
  { id: 'office', path: 'office/', glyph: '审', available: true },
  { id: 'monitor', path: 'monitor/', glyph: '督', available: false },
  { id: 'admin', path: 'admin/', glyph: '管', available: true },
]);
