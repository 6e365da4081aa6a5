// The page's script, inlined by renderHtml. It is plain ES2020 held in a string
// constant so that it ships in dist/ with the rest of the module (tsc copies no
// asset files). It adds what static markup cannot: zoom and pan, the time axis,
// the overview, name labels when zoomed in, the filter, the tooltip and the
// details panel. Every string from the data reaches the DOM through
// textContent (never innerHTML), after `vis` has made control and bidi
// characters visible. No template literals here: the constant is one.

import { PAGE_DECODER } from './page-data.js';

/** The script, without `<script>` tags; contains no `</script` and no `<!--`. */
export const PAGE_SCRIPT: string = "(function () {\n'use strict';\n" + PAGE_DECODER + String.raw`
performance.mark('psnotify:script');
var doc = document;
function $(id) { return doc.getElementById(id); }
var payload = JSON.parse($('psnotify-data').textContent);
var T = decodePageData(payload.data), M = payload.meta, P = M.props;
performance.mark('psnotify:data');
var notes = T.notifications;
var span = Math.max(1e-9, M.end - M.start);

// ---- indices -------------------------------------------------------------
var idx = new Map();
notes.forEach(function (n, i) { if (!idx.has(n.seq)) idx.set(n.seq, i); });
var kids = new Map();
notes.forEach(function (n, i) {
  if (n.parentSeq === null || n.parentSeq === undefined || !idx.has(n.parentSeq)) return;
  var list = kids.get(n.parentSeq);
  if (!list) { list = []; kids.set(n.parentSeq, list); }
  list.push(i);
});
var matchesBy = new Map();
T.matches.forEach(function (m) { var l = matchesBy.get(m.seq); if (!l) { l = []; matchesBy.set(m.seq, l); } l.push(m); });
var logsBy = new Map();
(T.logs || []).forEach(function (g) { var l = logsBy.get(g.afterSeq); if (!l) { l = []; logsBy.set(g.afterSeq, l); } l.push(g.line); });
var bySeqOrder = notes.map(function (_, i) { return i; }).sort(function (a, b) { return notes[a].seq - notes[b].seq; });
var orderPos = new Int32Array(notes.length);
bySeqOrder.forEach(function (i, k) { orderPos[i] = k; });

var tl = $('tl'), cv = $('cv'), axt = $('axt'), tip = $('tip'), side = $('side'), ovw = $('ovw');
var filterBox = $('filter'), rangeEl = $('range'), shownEl = $('shown');
var laneEls = Array.prototype.slice.call(cv.querySelectorAll('.lane'));
var lbls = $('lbls'), lbsc = $('lbsc');
var labelEls = Array.prototype.slice.call(lbls.querySelectorAll('.lb'));
var hostRows = Array.prototype.slice.call(doc.querySelectorAll('.hrow,.hg'));
// Marks are looked up when needed, not held: tens of thousands of element
// wrappers kept alive would make every minor GC walk them.
function markOf(i) {
  var le = laneEls[M.laneOf[i]];
  return le ? le.querySelector('[data-seq="' + notes[i].seq + '"]') : null;
}
function withMark(i, fn) { var e = markOf(i); if (e) fn(e); }
var eventEl = new Map();
Array.prototype.forEach.call(cv.querySelectorAll('[data-driver-event]'), function (e) { eventEl.set(Number(e.getAttribute('data-driver-event')), e); });
var connEls = Array.prototype.slice.call(cv.querySelectorAll('.cn'));

// ---- text ----------------------------------------------------------------
// Control, zero-width and bidi characters made visible (as the server does).
function vis(s) {
  if (s === null || s === undefined) return '';
  s = String(s);
  var out = '';
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c < 0x20) out += String.fromCharCode(0x2400 + c);
    else if (c === 0x7f) out += '\u2421';
    else if ((c >= 0x80 && c <= 0x9f) || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff) {
      out += '\u27e8U+' + ('000' + c.toString(16).toUpperCase()).slice(-4) + '\u27e9';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      var d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { out += s[i] + s[i + 1]; i++; } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += s[i];
  }
  return out;
}
function el(tag, cls, text) {
  var e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== null && text !== undefined) e.textContent = vis(text);
  return e;
}
function add(parent, child) { parent.appendChild(child); return child; }
function ms(t) { return (Math.round(t * 1000) / 1000) + ' ms'; }
function hex8(v) { return '0x' + ('0000000' + (v >>> 0).toString(16)).slice(-8); }
function leaf(name) {
  if (name === null || name === undefined) return '(null)';
  var k = name.lastIndexOf('\\');
  return name.slice(k + 1) || name;
}
function decode(p) {
  var m = P.masks;
  function bit(k) { return (p & m[k]) ? 1 : 0; }
  return {
    ImageAddressingMode: p & m.ImageAddressingMode,
    SystemModeImage: bit('SystemModeImage'),
    ImageMappedToAllPids: bit('ImageMappedToAllPids'),
    ExtendedInfoPresent: bit('ExtendedInfoPresent'),
    MachineTypeMismatch: bit('MachineTypeMismatch'),
    ImageSignatureLevel: (p & m.ImageSignatureLevel) >>> P.levelShift,
    ImageSignatureType: (p & m.ImageSignatureType) >>> P.typeShift,
    ImagePartialMap: bit('ImagePartialMap')
  };
}
function shortProps(p) {
  var d = decode(p);
  var s = (d.SystemModeImage ? 'sys ' : 'usr ') + d.ImageSignatureLevel.toString(16).toUpperCase() + '/' + d.ImageSignatureType;
  if (d.MachineTypeMismatch) s += ' mismatch';
  if (d.ImagePartialMap) s += ' partial';
  return s;
}
var MEANING = {
  ImageAddressingMode: function (v) { return v === 3 ? 'IMAGE_ADDRESSING_MODE_32BIT' : 'unexpected (always 3)'; },
  SystemModeImage: function (v) { return v ? 'kernel-mode image (driver)' : 'user-mode image'; },
  ImageMappedToAllPids: function () { return 'always 0'; },
  ExtendedInfoPresent: function (v) { return v ? 'IMAGE_INFO_EX: FileObject reachable' : 'bare IMAGE_INFO'; },
  MachineTypeMismatch: function (v) { return v ? 'other architecture: only CONFLICTING_ARCHITECTURE routines see it' : 'same architecture'; },
  ImageSignatureLevel: function (v) { return P.signingLevels[v & 15]; },
  ImageSignatureType: function (v) { return P.signatureTypes[v & 7]; },
  ImagePartialMap: function (v) { return v ? 'the view maps part of the image' : 'whole image'; }
};

// ---- zoom and pan --------------------------------------------------------
var zoom = 1, baseW = 1000, maxZoom = 1;
function viewW() { return Math.max(50, tl.clientWidth); }
function tw() { return baseW * zoom; }
function xOf(t) { return (t - M.start) / span * tw(); }
function tAt(x) { return M.start + x / tw() * span; }
function view() { return [tAt(tl.scrollLeft), tAt(tl.scrollLeft + viewW())]; }
// Only #cv's width changes: lanes, axis and overlay follow it by layout, with no style recalculation.
var hitClass = '';
function applyWidth() {
  cv.style.width = tw() + 'px';
  // Narrow hit strips while neighbouring marks overlap (see the stylesheet).
  var gap = M.minGap === null ? Infinity : M.minGap * tw() / span * 0.9, want = '';
  if (gap < 14) {
    var widths = [1, 2, 3, 4, 6, 8, 12];
    want = 'hw1';
    for (var k = 0; k < widths.length; k++) if (widths[k] <= gap) want = 'hw' + widths[k];
  }
  if (want !== hitClass) {
    if (hitClass) cv.classList.remove(hitClass);
    if (want) cv.classList.add(want);
    hitClass = want;
  }
}
function limits() { maxZoom = Math.max(1, Math.min(span * 4000 / baseW, 8e6 / baseW)); }
function stamp() {
  var v = view();
  tl.setAttribute('data-view-start', v[0].toFixed(4));
  tl.setAttribute('data-view-end', v[1].toFixed(4));
  tl.setAttribute('data-zoom', zoom.toFixed(3));
  rangeEl.textContent = 'visible ' + ms(v[0]) + ' \u2013 ' + ms(v[1]) + ' (\u00d7' + (Math.round(zoom * 10) / 10) + ')';
}
function zoomTo(z, anchorX) {
  z = Math.min(maxZoom, Math.max(1, z));
  if (anchorX === undefined || anchorX === null) anchorX = viewW() / 2;
  var t = tAt(tl.scrollLeft + anchorX);
  zoom = z;
  applyWidth();
  tl.scrollLeft = xOf(t) - anchorX;
  stamp();
  schedule();
}
function fit() {
  baseW = viewW();
  limits();
  zoom = 1;
  applyWidth();
  tl.scrollLeft = 0;
  stamp();
  schedule();
}
function centerOn(t) { tl.scrollLeft = xOf(t) - viewW() / 2; stamp(); schedule(); }

var pending = false, labelTimer = 0;
function schedule() { if (!pending) { pending = true; requestAnimationFrame(frame); } }
function frame() {
  pending = false;
  var v = view();
  drawAxis(v);
  drawOverview(v);
  drawDense(v);
  showSlices(v);
  if (rehover && pointer) {
    rehover = false;
    var under = doc.elementFromPoint(pointer.x, pointer.y);
    if (under && tl.contains(under)) onHover({ target: under, clientX: pointer.x, clientY: pointer.y });
  }
  clearTimeout(labelTimer);
  labelTimer = setTimeout(drawLabels, 80);
}
function niceStep(raw) {
  var p = Math.pow(10, Math.floor(Math.log10(raw)));
  var f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}
function drawAxis(v) {
  var step = niceStep(Math.max(1e-6, (v[1] - v[0]) / Math.max(1, viewW() / 90)));
  var dec = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  var first = Math.ceil(v[0] / step) * step;
  var frag = doc.createDocumentFragment();
  for (var k = 0; k < 300; k++) {
    var t = first + k * step;
    if (t > v[1]) break;
    var s = el('span', null, t.toFixed(dec));
    s.style.left = xOf(t) + 'px';
    frag.appendChild(s);
  }
  axt.replaceChildren(frag);
}

function syncLabels() {
  lbsc.scrollTop = tl.scrollTop;
  if (lbsc.scrollTop !== tl.scrollTop) { $('lbin').style.paddingBottom = (tl.offsetHeight - tl.clientHeight + 40) + 'px'; lbsc.scrollTop = tl.scrollTop; }
}
// Scrolling moves content under a still pointer: hide the tooltip, and find what is under the pointer once the frame is drawn.
var pointer = null, rehover = false;
tl.addEventListener('scroll', function () { syncLabels(); stamp(); schedule(); if (!tip.hidden) { hideTip(); rehover = true; } }, { passive: true });
lbls.addEventListener('wheel', function (e) { if (e.ctrlKey || e.metaKey) return; e.preventDefault(); tl.scrollTop += e.deltaY; tl.scrollLeft += e.deltaX; }, { passive: false });
// Wheel zoom is gathered and applied once per frame: a wheel sends many events.
var wheelZoom = null;
function wheelBy(deltaY, anchorX) {
  if (!wheelZoom) { wheelZoom = { f: 1, x: anchorX }; requestAnimationFrame(function () { var w = wheelZoom; wheelZoom = null; zoomTo(zoom * w.f, w.x); }); }
  wheelZoom.f *= Math.pow(1.002, -deltaY);
  wheelZoom.x = anchorX;
}
tl.addEventListener('wheel', function (e) {
  if (!(e.ctrlKey || e.metaKey)) return;
  e.preventDefault();
  var r = tl.getBoundingClientRect();
  wheelBy(e.deltaY, Math.max(0, e.clientX - r.left));
}, { passive: false });
$('zin').addEventListener('click', function () { zoomTo(zoom * 2); });
$('zout').addEventListener('click', function () { zoomTo(zoom / 2); });
$('zfit').addEventListener('click', fit);

var drag = null, dragged = false;
tl.addEventListener('pointerdown', function (e) {
  if (e.button !== 0 || e.target.closest('[data-seq],[data-driver-event],.bc span,.wd span')) return;
  drag = { x: e.clientX, y: e.clientY, l: tl.scrollLeft, t: tl.scrollTop, id: e.pointerId };
  dragged = false;
});
tl.addEventListener('pointermove', function (e) {
  pointer = { x: e.clientX, y: e.clientY };
  if (dense && !(drag && dragged)) onHover(e);
  if (drag && drag.id === e.pointerId) {
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) > 3) { dragged = true; tl.classList.add('drag'); tl.setPointerCapture(e.pointerId); }
    if (dragged) { tl.scrollLeft = drag.l - dx; tl.scrollTop = drag.t - dy; }
    return;
  }
  if (!tip.hidden) placeTip(e.clientX, e.clientY);
});
function endDrag() { drag = null; tl.classList.remove('drag'); }
tl.addEventListener('pointerup', endDrag);
tl.addEventListener('pointercancel', endDrag);

// ---- overview --------------------------------------------------------------
var hidden = new Uint8Array(notes.length);
var density = null;
function buildOverview() {
  var w = Math.max(1, ovw.clientWidth), h = Math.max(1, ovw.clientHeight), dpr = window.devicePixelRatio || 1;
  ovw.width = Math.round(w * dpr);
  ovw.height = Math.round(h * dpr);
  var off = doc.createElement('canvas');
  off.width = ovw.width; off.height = ovw.height;
  var c = off.getContext('2d');
  c.scale(dpr, dpr);
  var bins = Math.max(1, Math.floor(w / 2));
  var srcs = ['driver', 'process-start', 'image-view'];
  var colours = ['#7c3aed', '#3b82f6', '#cbd5e1'];
  var counts = srcs.map(function () { return new Float64Array(bins); });
  var total = new Float64Array(bins), max = 0;
  for (var i = 0; i < notes.length; i++) {
    if (hidden[i]) continue;
    var n = notes[i];
    var b = Math.min(bins - 1, Math.max(0, Math.floor((n.timeMs - M.start) / span * bins)));
    var s = srcs.indexOf(n.source); if (s < 0) s = 2;
    counts[s][b]++; total[b]++;
    if (total[b] > max) max = total[b];
  }
  for (b = 0; b < bins; b++) {
    if (!total[b]) continue;
    var full = Math.sqrt(total[b] / max) * (h - 4), y = h;
    for (s = 0; s < srcs.length; s++) {
      var part = full * counts[s][b] / total[b];
      if (!part) continue;
      c.fillStyle = colours[s];
      c.fillRect(b * 2, y - part, 2, part);
      y -= part;
    }
  }
  T.watchdog.forEach(function (x) { c.fillStyle = '#d97706'; c.fillRect((x.timeMs - M.start) / span * w - 1, 0, 2, h); });
  T.bugChecks.forEach(function (x) { c.fillStyle = '#dc2626'; c.fillRect((x.timeMs - M.start) / span * w - 1, 0, 3, h); });
  density = off;
}
function drawOverview(v) {
  if (!density) return;
  var c = ovw.getContext('2d'), dpr = window.devicePixelRatio || 1, w = ovw.width / dpr, h = ovw.height / dpr;
  c.setTransform(1, 0, 0, 1, 0, 0);
  c.clearRect(0, 0, ovw.width, ovw.height);
  c.drawImage(density, 0, 0);
  c.scale(dpr, dpr);
  var x0 = (v[0] - M.start) / span * w, x1 = (v[1] - M.start) / span * w;
  c.fillStyle = 'rgba(14,165,233,0.14)';
  c.fillRect(x0, 0, Math.max(2, x1 - x0), h);
  c.strokeStyle = '#0284c7';
  c.lineWidth = 1;
  c.strokeRect(x0 + 0.5, 0.5, Math.max(2, x1 - x0) - 1, h - 1);
}
var ovDrag = false;
function ovJump(e) {
  var r = ovw.getBoundingClientRect();
  centerOn(M.start + (e.clientX - r.left) / Math.max(1, r.width) * span);
}
ovw.addEventListener('pointerdown', function (e) { ovDrag = true; ovw.setPointerCapture(e.pointerId); ovJump(e); });
ovw.addEventListener('pointermove', function (e) { if (ovDrag) ovJump(e); });
ovw.addEventListener('pointerup', function () { ovDrag = false; });
ovw.addEventListener('wheel', function (e) {
  e.preventDefault();
  var r = ovw.getBoundingClientRect();
  var t = M.start + (e.clientX - r.left) / Math.max(1, r.width) * span;
  wheelBy(e.deltaY, Math.max(0, Math.min(viewW(), xOf(t) - tl.scrollLeft)));
}, { passive: false });

// ---- slices: marks far from the visible window are not displayed ------------
// Marks sit in one container per lane and time slice (.mk.c<k>); only the
// slices overlapping the window (and one on each side) are displayed.
// Only runs of more than VIRTUAL notifications do this: in smaller ones every
// mark stays displayed, wherever the window is.
var VIRTUAL = 5000, winStyle = $('win'), shownSlices = '';
function showSlices(v) {
  if (notes.length <= VIRTUAL) return;
  var S = M.slices, s0 = Math.floor((v[0] - M.start) / span * S) - 1, s1 = Math.floor((v[1] - M.start) / span * S) + 1;
  var key = s0 <= 0 && s1 >= S - 1 ? 'all' : s0 + ':' + s1;
  if (key === shownSlices) return;
  shownSlices = key;
  if (key === 'all') { winStyle.textContent = ''; return; }
  var rules = ['.mk{display:none}'];
  for (var k = Math.max(0, s0); k <= Math.min(S - 1, s1); k++) rules.push('.mk.c' + k + '{display:block}');
  winStyle.textContent = rules.join('');
}

// ---- dense mode: a canvas instead of thousands of painted marks ------------
// With more than DENSE (500) marks in view the marks stay in the DOM (every contract
// element is there) but are not painted (visibility: hidden); the canvas draws
// them, and hover and click find the mark under the pointer from the data.
var DENSE = 500, dense = false;
var dcv = $('dcv'), dctx = dcv.getContext('2d');
var SRC_COLOUR = { 'process-start': '#1d4ed8', 'image-view': '#475569', driver: '#6d28d9' };
var TICKS = ['#f59e0b', '#10b981', '#ec4899', '#06b6d4', '#84cc16', '#f97316', '#c084fc', '#facc15', '#2dd4bf', '#fb7185', '#a3e635', '#60a5fa'];
var driverColour = new Map();
M.drivers.forEach(function (d, k) { driverColour.set(d, TICKS[k % TICKS.length]); });
function lanesInView(pad) {
  var top = tl.scrollTop - pad, bottom = tl.scrollTop + tl.clientHeight + pad, out = [];
  for (var li = 0; li < laneEls.length; li++) {
    if (hiddenLane[li]) continue;
    var le = laneEls[li], y = le.offsetTop;
    if (y > bottom) break;
    if (y + le.offsetHeight >= top) out.push(li);
  }
  return out;
}
function inWindow(li, t0, t1, fn) {
  var seqs = M.lanes[li].seqs;
  for (var k = firstAtOrAfter(seqs, t0); k < seqs.length; k++) {
    var i = idx.get(seqs[k]);
    if (notes[i].timeMs > t1) break;
    if (!hidden[i]) fn(i);
  }
}
function drawDense(v) {
  var pad = (v[1] - v[0]) * 0.02, lanes = lanesInView(0), count = 0;
  for (var k = 0; k < lanes.length && count <= DENSE; k++) inWindow(lanes[k], v[0] - pad, v[1] + pad, function () { count++; });
  var want = count > DENSE;
  if (want !== dense) { dense = want; cv.classList.toggle('dense', dense); tl.setAttribute('data-dense', dense ? '1' : '0'); }
  var dpr = window.devicePixelRatio || 1, w = tl.clientWidth, h = Math.max(0, tl.clientHeight - 24);
  if (!dense) { if (dcv.width) { dcv.width = 0; dcv.height = 0; dcv.style.width = '0'; dcv.style.height = '0'; } return; }
  if (dcv.width !== Math.round(w * dpr) || dcv.height !== Math.round(h * dpr)) {
    dcv.width = Math.round(w * dpr); dcv.height = Math.round(h * dpr);
    dcv.style.width = w + 'px'; dcv.style.height = h + 'px';
  }
  var c = dctx;
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  c.clearRect(0, 0, w, h);
  var sl = tl.scrollLeft, st = tl.scrollTop + 24;
  lanes.forEach(function (li) {
    var y0 = laneEls[li].offsetTop - st + M.lanePad;
    inWindow(li, v[0] - pad, v[1] + pad, function (i) {
      var n = notes[i], mw = markW(i), x = xOf(n.timeMs) - sl - mw / 2, y = y0 + M.depth[i] * M.rowH;
      c.fillStyle = SRC_COLOUR[n.source] || '#475569';
      c.fillRect(x, y, mw, M.markH);
      var r = n.routines, tw_ = (mw - 2) / Math.max(1, Math.min(r.length, 10));
      for (var k = 0; k < r.length && k < 10; k++) {
        c.fillStyle = driverColour.get(r[k].driver) || '#fff';
        c.fillRect(x + 1 + k * tw_, y + M.markH - 7, Math.max(1, tw_ - 1), 6);
      }
      var d = decode(n.properties);
      if (d.ImageSignatureLevel === 1 || i === selected) {
        c.strokeStyle = i === selected ? '#0ea5e9' : '#dc2626';
        c.lineWidth = 2;
        c.strokeRect(x - 1, y - 1, mw + 2, M.markH + 2);
      }
      if (d.MachineTypeMismatch) { c.fillStyle = 'rgba(251,146,60,.9)'; c.fillRect(x, y, mw, 4); }
    });
  });
}
// The mark under the pointer in dense mode, from the data.
function markAt(e) {
  var lane = e.target.closest && e.target.closest('.lane');
  if (!lane) return -1;
  var li = Number(lane.getAttribute('data-lane'));
  var r = lane.getBoundingClientRect();
  var row = Math.floor((e.clientY - r.top - M.lanePad) / M.rowH);
  var x = e.clientX - r.left, best = -1, bestD = 1e9;
  inWindow(li, tAt(x - 24), tAt(x + 24), function (i) {
    if (M.depth[i] !== row) return;
    var d = Math.abs(xOf(notes[i].timeMs) - x);
    if (d <= markW(i) / 2 + 2 && d < bestD) { best = i; bestD = d; }
  });
  return best;
}

// ---- name labels when there is room ----------------------------------------
var labelled = [];
function markW(i) { var r = notes[i].routines.length; return Math.min(42, Math.max(11, 3 + Math.min(r, 10) * 4)); }
function firstAtOrAfter(seqs, t) {
  var lo = 0, hi = seqs.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (notes[idx.get(seqs[mid])].timeMs < t) lo = mid + 1; else hi = mid; }
  return lo;
}
function drawLabels() {
  labelled.forEach(function (c) { c.replaceChildren(); });
  labelled = [];
  var v = view(), pad = (v[1] - v[0]) * 0.05, top = tl.scrollTop, bottom = top + tl.clientHeight;
  var work = [], count = 0;
  for (var li = 0; li < laneEls.length; li++) {
    var le = laneEls[li];
    if (hiddenLane[li]) continue;
    var y = le.offsetTop;
    if (y > bottom) break;
    if (y + le.offsetHeight < top) continue;
    var seqs = M.lanes[li].seqs, list = [];
    for (var k = firstAtOrAfter(seqs, v[0] - pad); k < seqs.length; k++) {
      var i = idx.get(seqs[k]);
      if (notes[i].timeMs > v[1] + pad) break;
      if (!hidden[i]) list.push(i);
    }
    count += list.length;
    if (count > 600) return;
    if (list.length) work.push([le, list]);
  }
  work.forEach(function (w) {
    var box = w[0].querySelector('.nls'), list = w[1], rowEnd = {}, next = {};
    var frag = doc.createDocumentFragment();
    for (var k = list.length - 1; k >= 0; k--) {
      var i = list[k], row = M.depth[i];
      w[1][k] = [i, next[row] === undefined ? Infinity : next[row]];
      next[row] = xOf(notes[i].timeMs) - markW(i) / 2;
    }
    list.forEach(function (pair) {
      var i = pair[0], row = M.depth[i], x = xOf(notes[i].timeMs) + markW(i) / 2 + 3;
      var room = pair[1] - 4 - x;
      if (room < 28 || x < (rowEnd[row] || -Infinity)) return;
      var text = leaf(notes[i].fullImageName);
      var width = Math.min(room, text.length * 6.6 + 4);
      var s = el('span', 'nl', text);
      s.style.left = x + 'px';
      s.style.top = (M.lanePad + row * M.rowH) + 'px';
      s.style.maxWidth = width + 'px';
      frag.appendChild(s);
      rowEnd[row] = x + width + 4;
    });
    box.appendChild(frag);
    labelled.push(box);
  });
}

// ---- filter ------------------------------------------------------------------
var hiddenLane = new Uint8Array(laneEls.length);
var noteText = null;
function textOf(n) {
  return (n.process + ' pid:' + n.processId + ' ' + n.processId + ' ' + (n.fullImageName === null ? '(null)' : n.fullImageName) + ' ' +
    n.routines.map(function (r) { return r.driver; }).join(' ') + ' ' + (n.host || '') + ' #' + n.seq).toLowerCase();
}
function applyFilter() {
  var q = filterBox.value.trim().toLowerCase();
  var terms = q ? q.split(/\s+/) : [];
  if (terms.length && !noteText) noteText = notes.map(textOf);
  var shown = 0;
  M.lanes.forEach(function (L, li) {
    var lt = L.text, any = false;
    var laneAll = terms.every(function (t) { return lt.indexOf(t) >= 0; });
    var marks = null;
    L.seqs.forEach(function (seq, k) {
      var i = idx.get(seq);
      var ok = laneAll || terms.every(function (t) { return lt.indexOf(t) >= 0 || noteText[i].indexOf(t) >= 0; });
      if (ok) { any = true; shown++; }
      if ((hidden[i] === 1) === ok) {
        hidden[i] = ok ? 0 : 1;
        if (!marks) marks = laneEls[li].getElementsByClassName('m');
        var e = marks[k];
        if (e && Number(e.getAttribute('data-seq')) === seq) e.classList.toggle('fo', !ok); else withMark(i, function (x) { x.classList.toggle('fo', !ok); });
      }
    });
    L.events.forEach(function (k) {
      var e = T.driverEvents[k], et = (lt + ' ' + e.name + ' ' + e.kind).toLowerCase();
      var ok = laneAll || terms.every(function (t) { return et.indexOf(t) >= 0; });
      if (ok) any = true;
      var node = eventEl.get(k);
      if (node) node.classList.toggle('fo', !ok);
    });
    var laneOk = laneAll || any;
    hiddenLane[li] = laneOk ? 0 : 1;
    laneEls[li].classList.toggle('fo', !laneOk);
    labelEls[li].classList.toggle('fo', !laneOk);
  });
  connEls.forEach(function (c) {
    var i = idx.get(Number(c.getAttribute('data-conn')));
    var p = i === undefined ? undefined : idx.get(notes[i].parentSeq);
    c.classList.toggle('fo', i === undefined || hidden[i] === 1 || (p !== undefined && hidden[p] === 1));
  });
  hostRows.forEach(function (h) {
    var host = h.hasAttribute('data-host-group') ? h.getAttribute('data-host-group') : h.getAttribute('data-host-label'), any = false;
    laneEls.forEach(function (le, li) { if (!hiddenLane[li] && (le.getAttribute('data-host') || '') === host) any = true; });
    h.classList.toggle('fo', !any);
  });
  shownEl.textContent = terms.length ? shown + ' of ' + notes.length + ' notifications' : notes.length + ' notifications';
  tl.setAttribute('data-shown', String(shown));
  buildOverview();
  schedule();
}
var filterTimer = 0;
filterBox.addEventListener('input', function () { clearTimeout(filterTimer); filterTimer = setTimeout(applyFilter, 120); });
filterBox.addEventListener('keydown', function (e) {
  if (e.key === 'Enter') { clearTimeout(filterTimer); applyFilter(); }
  if (e.key === 'Escape') { filterBox.value = ''; applyFilter(); filterBox.blur(); }
});
Array.prototype.forEach.call(doc.querySelectorAll('#legend [data-driver]'), function (b) {
  b.addEventListener('click', function () {
    var name = b.getAttribute('data-driver');
    filterBox.value = filterBox.value.trim().toLowerCase() === name.toLowerCase() ? '' : name;
    applyFilter();
  });
});

// ---- tooltip -----------------------------------------------------------------
var tipFor = null;
function hideTip() { tip.hidden = true; tipFor = null; }
function placeTip(x, y) {
  var w = tip.offsetWidth, h = tip.offsetHeight;
  var left = x + 14, top = y + 16;
  if (left + w > innerWidth - 4) left = Math.max(4, x - w - 14);
  if (top + h > innerHeight - 4) top = Math.max(4, y - h - 12);
  tip.style.left = left + 'px';
  tip.style.top = top + 'px';
}
function routinesLine(n) {
  if (!n.routines.length) return 'no routine called';
  return 'routines: ' + n.routines.map(function (r) { return r.driver; }).join(', ');
}
function noteTip(f, n) {
  var d = decode(n.properties);
  add(f, el('div', 't', '#' + n.seq + '  ' + leaf(n.fullImageName) + '  \u00b7  ' + (M.sources[n.source] || n.source)));
  add(f, el('div', 'mut', n.process + ' (pid ' + n.processId + ')' + (n.host ? ' on ' + n.host : '') + ' \u00b7 ' + ms(n.timeMs)));
  add(f, el('div', 'full', n.fullImageName === null ? '(FullImageName NULL)' : n.fullImageName));
  add(f, el('div', null, 'Properties ' + hex8(n.properties) + '  ' + shortProps(n.properties)));
  add(f, el('div', 'mut', P.signingLevels[d.ImageSignatureLevel] + ' \u00b7 ' + P.signatureTypes[d.ImageSignatureType] +
    ' \u00b7 ImageBase ' + n.imageInfo.ImageBase + ' \u00b7 ImageSize ' + n.imageInfo.ImageSize));
  add(f, el('div', null, routinesLine(n)));
  var raised = kids.get(n.seq);
  if (raised) add(f, el('div', null, 'raised: ' + raised.map(function (i) { return '#' + notes[i].seq + ' ' + leaf(notes[i].fullImageName) + ' (in ' + (notes[i].parentDriver || '?') + ')'; }).join(', ')));
  if (n.parentSeq !== null && n.parentSeq !== undefined) add(f, el('div', null, 'raised by #' + n.parentSeq + ' from inside ' + (n.parentDriver || 'a routine')));
  (matchesBy.get(n.seq) || []).forEach(function (m) { add(f, el('div', null, 'Sigma [' + m.level + '] ' + m.title)); });
}
function fillTip(t) {
  var f = doc.createDocumentFragment();
  var seq = t.getAttribute('data-seq');
  if (seq !== null) noteTip(f, notes[idx.get(Number(seq))]);
  else if (t.hasAttribute('data-driver-event')) {
    var e = T.driverEvents[Number(t.getAttribute('data-driver-event'))];
    add(f, el('div', 't', 'driver ' + e.kind + ': ' + e.name));
    add(f, el('div', 'mut', ms(e.timeMs) + (e.status ? ' \u00b7 ' + e.status : '') + (e.host ? ' \u00b7 ' + e.host : '')));
  } else if (t.classList.contains('bc')) {
    bugLines(f, T.bugChecks[Number(t.getAttribute('data-index'))]);
  } else if (t.classList.contains('wd')) {
    var w = T.watchdog[Number(t.getAttribute('data-watchdog'))];
    add(f, el('div', 't', 'watchdog stop at ' + ms(w.timeMs)));
    add(f, el('div', null, (w.driver || 'driver code') + ': ' + w.doing));
  } else {
    var li = Number(t.getAttribute('data-lane-label'));
    var lane = laneEls[li];
    var pid = lane.getAttribute('data-pid');
    var p = pid === null ? null : T.processes.filter(function (x) { return String(x.pid) === pid && (x.host || '') === (lane.getAttribute('data-host') || ''); })[0];
    if (p) processLines(f, p, li); else add(f, el('div', 't', t.textContent));
  }
  tip.replaceChildren(f);
  tip.hidden = false;
}
function bugLines(f, b) {
  add(f, el('div', 't', 'BUG CHECK 0x' + (b.code >>> 0).toString(16) + ' ' + b.name));
  add(f, el('div', null, 'at ' + ms(b.timeMs) + (b.host ? ' on ' + b.host : '') + (b.driver ? ' \u00b7 ' + b.driver : '')));
  add(f, el('div', 'full', 'parameters: ' + b.parameters.join(', ')));
  if (b.message) add(f, el('div', null, b.message));
}
function processLines(f, p, li) {
  add(f, el('div', 't', p.name + ' (pid ' + p.pid + ')' + (p.host ? ' on ' + p.host : '')));
  add(f, el('div', 'full', p.path === null ? '(no path)' : p.path));
  add(f, el('div', null, (p.wow64 ? 'WoW64 ' : 'native ') + p.machine + ' \u00b7 ' + ms(p.startMs) + ' \u2013 ' + (p.endMs === null ? 'still running' : ms(p.endMs))));
  add(f, el('div', 'mut', M.lanes[li].seqs.length + ' notifications'));
}
function onHover(e) {
  pointer = { x: e.clientX, y: e.clientY };
  if (drag && dragged) return;
  var t = e.target.closest('[data-seq],[data-driver-event],.bc,.wd');
  var lane = e.target.closest('.lane');
  highlight(lane ? Number(lane.getAttribute('data-lane')) : -1);
  if (!t && dense) {
    var i = markAt(e);
    if (i < 0) { hideTip(); return; }
    if (tipFor !== i) { tipFor = i; var f = doc.createDocumentFragment(); noteTip(f, notes[i]); tip.replaceChildren(f); tip.hidden = false; }
    placeTip(e.clientX, e.clientY);
    return;
  }
  if (!t) { hideTip(); return; }
  if (t !== tipFor) { tipFor = t; fillTip(t); }
  placeTip(e.clientX, e.clientY);
}
tl.addEventListener('pointerover', onHover);
tl.addEventListener('pointerleave', function () { hideTip(); pointer = null; });
var hl = -1;
function highlight(li) {
  if (hl === li) return;
  if (hl >= 0) { laneEls[hl].classList.remove('hl'); labelEls[hl].classList.remove('hl'); }
  hl = li;
  if (li >= 0) { laneEls[li].classList.add('hl'); labelEls[li].classList.add('hl'); }
}
lbls.addEventListener('pointerover', function (e) {
  var t = e.target.closest('.lb');
  if (!t) { hideTip(); highlight(-1); return; }
  highlight(Number(t.getAttribute('data-lane-label')));
  if (t !== tipFor) { tipFor = t; fillTip(t); }
  placeTip(e.clientX, e.clientY);
});
lbls.addEventListener('pointermove', function (e) { if (!tip.hidden) placeTip(e.clientX, e.clientY); });
lbls.addEventListener('pointerleave', function () { hideTip(); highlight(-1); });
lbls.addEventListener('click', function (e) {
  var t = e.target.closest('.lb');
  if (!t) return;
  var f = doc.createDocumentFragment();
  fillTip(t);
  Array.prototype.forEach.call(tip.childNodes, function (c) { f.appendChild(c.cloneNode(true)); });
  hideTip();
  otherDetails(f, 'Process');
});

// ---- selection and the details panel ---------------------------------------
var selected = -1, related = [];
function link(seq, text) {
  var a = el('a', 'lnk', text);
  a.setAttribute('data-goto', String(seq));
  a.setAttribute('role', 'button');
  a.tabIndex = 0;
  return a;
}
function row(table, name, value, mono) {
  var tr = add(table, el('tr'));
  add(tr, el('th', null, name));
  var td = add(tr, el('td', mono ? 'mono' : null));
  if (value instanceof Node) td.appendChild(value); else td.textContent = vis(value);
  return tr;
}
function nestedList(parentEl, list, depth) {
  var ul = add(parentEl, el('ul'));
  list.forEach(function (i) {
    var c = notes[i];
    var li = add(ul, el('li'));
    add(li, link(c.seq, '#' + c.seq + ' ' + leaf(c.fullImageName)));
    add(li, doc.createTextNode(vis(' in ' + c.process + ' (pid ' + c.processId + ') \u00b7 ' + hex8(c.properties) + ' ' + shortProps(c.properties) + ' \u00b7 ' + routinesLine(c))));
    var more = kids.get(c.seq);
    if (more && depth < 8) nestedList(add(li, el('div', 'nest')), more, depth + 1);
  });
}
function details(n) {
  side.replaceChildren();
  var i = idx.get(n.seq);
  add(side, el('h2', null, '#' + n.seq + '  ' + leaf(n.fullImageName)));
  var t = add(side, el('table'));
  row(t, 'time', ms(n.timeMs));
  row(t, 'process', n.process + ' (pid ' + n.processId + ')' + (n.host ? ' on ' + n.host : ''));
  row(t, 'source', M.sources[n.source] || n.source);
  row(t, 'nesting', M.depth[i] ? 'depth ' + M.depth[i] : 'top-level dispatch');
  if (n.parentSeq !== null && n.parentSeq !== undefined) {
    var box = el('span');
    add(box, doc.createTextNode('from inside ' + vis(n.parentDriver || 'a routine') + ' handling '));
    add(box, link(n.parentSeq, '#' + n.parentSeq + (idx.has(n.parentSeq) ? ' ' + leaf(notes[idx.get(n.parentSeq)].fullImageName) : '')));
    row(t, 'raised', box);
  }
  add(side, el('h3', null, 'FullImageName'));
  add(side, el('div', 'full', n.fullImageName === null ? '(NULL)' : n.fullImageName));
  add(side, el('h3', null, 'IMAGE_INFO'));
  t = add(side, el('table'));
  row(t, 'Properties', hex8(n.properties) + '  (' + shortProps(n.properties) + ')', true);
  var d = decode(n.properties);
  Object.keys(d).forEach(function (k) { row(t, k, d[k] + '  ' + MEANING[k](d[k]), true); });
  Object.keys(n.imageInfo).forEach(function (k) {
    if (k === 'Properties' || Object.prototype.hasOwnProperty.call(d, k)) return;
    row(t, k, String(n.imageInfo[k]), true);
  });
  Object.keys(n.imageInfo).forEach(function (k) {
    if (Object.prototype.hasOwnProperty.call(d, k) && n.imageInfo[k] !== d[k]) row(t, k + ' (as recorded)', String(n.imageInfo[k]), true);
  });
  add(side, el('h3', null, 'IMAGE_INFO_EX.FileObject'));
  if (n.fileObject) {
    t = add(side, el('table'));
    row(t, 'FileName', n.fileObject.FileName, true);
    row(t, 'address', n.fileObject.address, true);
  } else add(side, el('div', 'sub', d.ExtendedInfoPresent ? 'no FILE_OBJECT recorded' : 'none: ExtendedInfoPresent is clear'));
  add(side, el('h3', null, 'Routines called, in slot order (' + n.routines.length + ')'));
  var raised = kids.get(n.seq) || [];
  var placed = {};
  var ol = add(side, el('ol'));
  n.routines.forEach(function (r) {
    var li = add(ol, el('li'));
    var sw = add(li, el('span', 'sw d' + (M.drivers.indexOf(r.driver) % 12)));
    sw.setAttribute('aria-hidden', 'true');
    add(li, doc.createTextNode(vis(' slot ' + r.slot + '  ' + r.driver + '  ' + r.address + (r.flags !== undefined ? '  flags 0x' + r.flags.toString(16) : ''))));
    if (placed[r.driver]) return;
    var mine = raised.filter(function (k) { return notes[k].parentDriver === r.driver; });
    if (mine.length) {
      placed[r.driver] = true;
      var box = add(li, el('div', 'nest'));
      add(box, el('div', 'sub', 'raised from inside this routine:'));
      nestedList(box, mine, 1);
    }
  });
  var stray = raised.filter(function (k) { return !placed[notes[k].parentDriver]; });
  if (stray.length) {
    add(side, el('div', 'sub', 'raised from a routine not listed above:'));
    nestedList(add(side, el('div', 'nest')), stray, 1);
  }
  var ms_ = matchesBy.get(n.seq);
  if (ms_) {
    add(side, el('h3', null, 'Sigma matches'));
    var ul = add(side, el('ul'));
    ms_.forEach(function (m) { add(ul, el('li', null, '[' + m.level + '] ' + m.title + ' (' + m.ruleId + ')')); });
  }
  var logs = logsBy.get(n.seq);
  if (logs) {
    add(side, el('h3', null, 'Driver messages'));
    var ul2 = add(side, el('ul'));
    logs.forEach(function (line) { add(ul2, el('li', 'mono', line)); });
  }
}
function clearSelection() {
  if (selected >= 0) withMark(selected, function (e) { e.classList.remove('sel'); });
  related.forEach(function (k) { withMark(k, function (e) { e.classList.remove('rel'); }); });
  selected = -1; related = [];
}
function select(i, reveal) {
  clearSelection();
  selected = i;
  var n = notes[i];
  withMark(i, function (e) { e.classList.add('sel'); });
  related = (kids.get(n.seq) || []).slice();
  if (n.parentSeq !== null && idx.has(n.parentSeq)) related.push(idx.get(n.parentSeq));
  related.forEach(function (k) { withMark(k, function (e) { e.classList.add('rel'); }); });
  details(n);
  tl.setAttribute('data-selected', String(n.seq));
  if (reveal) {
    var v = view();
    if (n.timeMs < v[0] || n.timeMs > v[1]) centerOn(n.timeMs);
    var le = laneEls[M.laneOf[i]];
    if (le && !hiddenLane[M.laneOf[i]]) {
      var y = le.offsetTop;
      if (y < tl.scrollTop + 26 || y + le.offsetHeight > tl.scrollTop + tl.clientHeight) tl.scrollTop = y - tl.clientHeight / 3;
    }
  }
}
function otherDetails(f, title) {
  side.replaceChildren();
  add(side, el('h2', null, title));
  side.appendChild(f);
}
tl.addEventListener('click', function (e) {
  if (dragged) { dragged = false; return; }
  var m = e.target.closest('[data-seq]');
  if (m) { select(idx.get(Number(m.getAttribute('data-seq'))), false); return; }
  if (dense) { var at = markAt(e); if (at >= 0) { select(at, false); schedule(); return; } }
  var t = e.target.closest('[data-driver-event],.bc,.wd');
  if (!t) return;
  var f = doc.createDocumentFragment();
  fillTip(t);
  Array.prototype.forEach.call(tip.childNodes, function (c) { f.appendChild(c.cloneNode(true)); });
  hideTip();
  otherDetails(f, 'Details');
});
side.addEventListener('click', function (e) {
  var a = e.target.closest('[data-goto]');
  if (a && idx.has(Number(a.getAttribute('data-goto')))) select(idx.get(Number(a.getAttribute('data-goto'))), true);
});
side.addEventListener('keydown', function (e) {
  var a = e.target.closest && e.target.closest('[data-goto]');
  if (a && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); a.click(); }
});
Array.prototype.forEach.call(doc.querySelectorAll('[data-bugcheck-ref]'), function (b) {
  b.addEventListener('click', function () {
    var bc = T.bugChecks[Number(b.getAttribute('data-bugcheck-ref'))];
    centerOn(bc.timeMs);
    var f = doc.createDocumentFragment();
    bugLines(f, bc);
    otherDetails(f, 'Bug check');
  });
});
Array.prototype.forEach.call(doc.querySelectorAll('[data-watchdog-ref]'), function (b) {
  b.addEventListener('click', function () { centerOn(T.watchdog[Number(b.getAttribute('data-watchdog-ref'))].timeMs); });
});
doc.addEventListener('keydown', function (e) {
  if (e.target === filterBox || e.ctrlKey || e.metaKey || e.altKey) return;
  var k = e.key;
  if (k === '+' || k === '=') zoomTo(zoom * 1.5);
  else if (k === '-' || k === '_') zoomTo(zoom / 1.5);
  else if (k === '0') fit();
  else if (k === '/') { e.preventDefault(); filterBox.focus(); }
  else if (k === 'Escape') { clearSelection(); hideTip(); }
  else if ((k === 'ArrowRight' || k === 'ArrowLeft') && selected >= 0) {
    e.preventDefault();
    var step = k === 'ArrowRight' ? 1 : -1;
    for (var p = orderPos[selected] + step; p >= 0 && p < bySeqOrder.length; p += step) {
      if (!hidden[bySeqOrder[p]]) { select(bySeqOrder[p], true); break; }
    }
  } else if (k === 'ArrowUp' && selected >= 0 && notes[selected].parentSeq !== null && idx.has(notes[selected].parentSeq)) {
    e.preventDefault(); select(idx.get(notes[selected].parentSeq), true);
  } else if (k === 'ArrowDown' && selected >= 0 && kids.get(notes[selected].seq)) {
    e.preventDefault(); select(kids.get(notes[selected].seq)[0], true);
  }
});
var resizeTimer = 0;
window.addEventListener('resize', function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () {
    var v = view();
    baseW = viewW();
    limits();
    zoom = Math.min(zoom, maxZoom);
    applyWidth();
    tl.scrollLeft = xOf(v[0]);
    buildOverview();
    stamp();
    schedule();
  }, 100);
});

// ---- start -------------------------------------------------------------------
shownEl.textContent = notes.length + ' notifications';
tl.setAttribute('data-shown', String(notes.length));
fit();
buildOverview();
if (filterBox.value) applyFilter();
doc.documentElement.setAttribute('data-ready', '');
performance.mark('psnotify:ready');
})();
`;
