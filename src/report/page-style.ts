// The page's stylesheet, inlined by renderHtml. Sizes the renderer and the
// script both use come from here (LABEL_W, ROW_H, …), so they cannot disagree.

/** Width of the sticky lane-label column, px. */
export const LABEL_W = 240;
/** Height of one row of marks (one nesting level), px. */
export const ROW_H = 30;
/** Gap above the first row, px. */
export const LANE_PAD = 5;
/** Height of a mark, px. */
export const MARK_H = 22;

/** Mark width for a notification that called `routines` routines: room for a tick each. */
export function markWidth(routines: number): number {
  return Math.min(42, Math.max(11, 3 + routines * 4));
}

/** Colours of the three sources (mark bodies). */
export const SOURCE_COLORS = { 'process-start': '#1d4ed8', 'image-view': '#475569', driver: '#6d28d9' } as const;

/** Colours of drivers' routine ticks, in first-called order (wrapping after 12). */
export const DRIVER_COLORS = [
  '#f59e0b', '#10b981', '#ec4899', '#06b6d4', '#84cc16', '#f97316',
  '#c084fc', '#facc15', '#2dd4bf', '#fb7185', '#a3e635', '#60a5fa',
] as const;

/**
 * A CSS string literal that reads back as `value` and cannot end the string,
 * the rule or the <style> element: everything but [A-Za-z0-9._-] as a hex escape.
 */
export function cssString(value: string): string {
  let out = '"';
  for (const ch of value) out += /^[A-Za-z0-9._-]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  return `${out}"`;
}

export function pageStyle(maxRows: number, maxTicks: number, drivers: string[]): string {
  const rows: string[] = [];
  for (let r = 0; r < maxRows; r++) rows.push(`.r${r}{top:${LANE_PAD + r * ROW_H}px}`);
  const widths: string[] = [];
  for (let n = 0; n <= maxTicks; n++) {
    const w = markWidth(n);
    widths.push(`.w${n}{width:${w}px;margin-left:${-w / 2}px}`);
  }
  const palette = DRIVER_COLORS.map((c, i) => `.d${i}{background:${c}}.cd${i}{border-color:${c}}`).join('');
  // Routine ticks take their driver's colour from the data-routine attribute itself.
  const ticks = drivers.map((name, i) => `.m [data-routine=${cssString(name)}]{background:${DRIVER_COLORS[i % DRIVER_COLORS.length]}}`).join('');
  const levels: string[] = [];
  for (let l = 0; l < 16; l++) levels.push(`.sl${l.toString(16)}::before{content:"${l.toString(16).toUpperCase()}"}`);
  return `
:root{--lw:${LABEL_W}px;--bg:#fff;--fg:#0f172a;--mut:#64748b;--line:#e2e8f0;--ps:${SOURCE_COLORS['process-start']};--iv:${SOURCE_COLORS['image-view']};--dv:${SOURCE_COLORS.driver};--red:#dc2626;--amber:#d97706}
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:12px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg);display:flex;flex-direction:column;overflow:hidden}
code,.mono{font-family:ui-monospace,"Cascadia Mono",Consolas,"DejaVu Sans Mono",monospace;font-size:11px}
header{padding:8px 12px 6px;border-bottom:1px solid var(--line);flex:none}
h1{font-size:15px;margin:0 0 2px;font-weight:650;overflow-wrap:anywhere}
.sub{color:var(--mut)}
.sum{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0 0;padding:0}
.sum div{display:flex;gap:4px;align-items:baseline}
.sum dt{color:var(--mut)}.sum dd{margin:0;font-weight:650;font-variant-numeric:tabular-nums}
.banner{margin:6px 0 0;padding:5px 8px;border-radius:4px;font-weight:600;cursor:pointer;overflow-wrap:anywhere}
.banner.bug{background:var(--red);color:#fff}
.banner.wdg{background:#fef3c7;color:#78350f;border:1px solid var(--amber)}
.banner.orph{background:#f1f5f9;color:var(--fg);font-weight:400;cursor:default}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;padding:6px 12px;border-bottom:1px solid var(--line);flex:none}
.bar input[type=search]{width:260px;padding:3px 6px;font:inherit;border:1px solid #cbd5e1;border-radius:4px}
.bar button{font:inherit;padding:2px 8px;border:1px solid #cbd5e1;background:#f8fafc;border-radius:4px;cursor:pointer;min-width:28px}
.bar button:hover{background:#e2e8f0}
#range,#shown{color:var(--mut);font-variant-numeric:tabular-nums}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center}
.legend .it{display:inline-flex;align-items:center;gap:4px;white-space:nowrap}
.legend button.it{border:1px solid transparent;background:none;padding:1px 4px;border-radius:4px;font:inherit;cursor:pointer}
.legend button.it:hover{border-color:#cbd5e1}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle}
.sw.ps{background:var(--ps)}.sw.iv{background:var(--iv)}.sw.dv{background:var(--dv)}
#ovw{display:block;width:100%;height:36px;flex:none;border-bottom:1px solid var(--line);cursor:crosshair;background:#f8fafc}
main{flex:1;display:flex;min-height:0}
#lbls{width:var(--lw);flex:none;display:flex;flex-direction:column;border-right:1px solid var(--line);background:#fff;min-height:0}
#lbsc{flex:1;overflow:hidden;min-height:0}
#tlw{flex:1;position:relative;min-width:0;display:flex}
#tl{flex:1;overflow:auto;position:relative;min-width:0;cursor:grab;overscroll-behavior:contain}
#dcv{position:absolute;left:0;top:24px;width:0;height:0;pointer-events:none;z-index:3}
.mk{position:absolute;top:0;bottom:0}
#cv.dense .mk,#cv.dense .nls{display:none}
#tl.drag{cursor:grabbing;user-select:none}
#cv{position:relative;width:1000px;min-height:100%}
.axis{position:sticky;top:0;z-index:6;height:24px;background:#fff;border-bottom:1px solid var(--line)}
.axl{height:24px;flex:none;padding:4px 8px;color:var(--mut);border-bottom:1px solid var(--line)}
#axt{position:relative;height:23px;overflow:hidden}
#axt span{position:absolute;top:0;height:24px;border-left:1px solid #cbd5e1;padding:5px 3px 0;color:var(--mut);font-size:10.5px;white-space:nowrap;font-variant-numeric:tabular-nums}
.hg{height:26px;padding:5px 8px;font-weight:650;background:#eef2ff;color:#3730a3;border-top:1px solid #c7d2fe;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.hrow{height:26px;background:#eef2ff;border-top:1px solid #c7d2fe}
.lane{position:relative;border-bottom:1px solid var(--line);content-visibility:auto}
.lane.fo,.lb.fo,.hg.fo,.hrow.fo,.m.fo,.cn.fo,.de.fo{display:none}
.lane.hl,.lb.hl{background:#f8fafc}
.lb{border-bottom:1px solid var(--line);padding:4px 8px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;cursor:default}
.lb .pid{display:inline-block;min-width:36px;color:var(--mut);font-variant-numeric:tabular-nums}
.lb .nm{font-weight:600}
.lb .path{display:block;color:var(--mut);font-size:10.5px;overflow:hidden;text-overflow:ellipsis}
.tag{display:inline-block;padding:0 4px;margin-left:4px;border-radius:3px;font-size:10px;background:#e2e8f0;color:#334155;vertical-align:1px}
.tag.w64{background:#fde68a;color:#78350f}.tag.sys{background:#ede9fe;color:#5b21b6}.tag.orph{background:#fee2e2;color:#991b1b}
.life{position:absolute;bottom:2px;height:3px;background:#cbd5e1;border-radius:2px}
.life.open{border-right:2px dashed #94a3b8;border-radius:2px 0 0 2px}
.m{position:absolute;height:${MARK_H}px;border-radius:2px;background:var(--iv);cursor:pointer;display:flex;align-items:flex-end;gap:1px;padding:0 1px 1px;border:1px solid #fff}
.m.ps{background:var(--ps)}.m.dv{background:var(--dv)}
.m::before{position:absolute;left:0;right:0;top:1px;text-align:center;color:#fff;font:700 10px/13px ui-monospace,Consolas,monospace;pointer-events:none}
.m i{flex:1;height:6px;min-width:1px;background:#fff;pointer-events:none}
.m i.rz{box-shadow:0 2px 0 0 #0f172a}
.m.sl1{box-shadow:0 0 0 2px var(--red)}
.m.mm{background-image:repeating-linear-gradient(135deg,transparent 0 3px,rgba(251,146,60,.95) 3px 5px)}
.m.pm{outline:1.5px dashed #f59e0b;outline-offset:1px}
.m.sel{box-shadow:0 0 0 2px #fff,0 0 0 4px #0ea5e9;z-index:3}
.m.rel{box-shadow:0 0 0 2px #fff,0 0 0 4px #a5f3fc;z-index:2}
.m:hover{z-index:4;filter:brightness(1.15)}
.m em{position:absolute;top:-5px;right:-5px;width:9px;height:9px;border-radius:50%;border:1px solid #fff;background:#f59e0b}
.m em+em{right:3px}.m em+em+em{right:11px}
em.lv-high,em.lv-critical{background:var(--red)}em.lv-medium{background:#f97316}em.lv-low,em.lv-informational{background:#0ea5e9}
.m.xp{outline:1.5px dotted var(--fg);outline-offset:1px}
/* Hit area: the whole mark, or (when marks overlap) a strip at its centre no wider than the gap between
   neighbours, so the centre of every mark is that mark's (class hw<n> on #cv, set by the script). */
.m{pointer-events:none}
.m::after{content:"";position:absolute;top:-1px;bottom:-1px;left:-1px;right:-1px;pointer-events:auto}
${[1, 2, 3, 4, 6, 8, 12].map((w) => `#cv.hw${w} .m::after{left:50%;right:auto;width:${w}px;margin-left:${-w / 2}px}`).join('')}
.cn{position:absolute;border:0 solid #0f172a;border-left-width:1.5px;border-bottom-width:1.5px;border-bottom-left-radius:4px;pointer-events:none}
.cn.rev{border-left-width:0;border-right-width:1.5px;border-bottom-left-radius:0;border-bottom-right-radius:4px}
.nls{position:absolute;inset:0;pointer-events:none}
.nl{position:absolute;height:${MARK_H}px;line-height:${MARK_H}px;font-size:10.5px;color:#334155;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.de{position:absolute;bottom:2px;width:0;height:0;margin-left:-6px;border:6px solid transparent;cursor:pointer}
.de.ld{border-bottom:10px solid #16a34a;border-top-width:0}
.de.ul{border-top:10px solid #64748b;border-bottom-width:0}
.de.fail{border-bottom-color:var(--red)}
.ovl{position:absolute;top:0;bottom:0;left:var(--lw);right:0;pointer-events:none;z-index:5}
.bc,.wd{position:absolute;top:0;bottom:0;width:0}
.bc{border-left:3px solid var(--red)}
.wd{border-left:2px dashed var(--amber)}
.bc span,.wd span{position:sticky;top:26px;display:inline-block;margin-left:3px;padding:2px 6px;white-space:nowrap;font-weight:700;border-radius:0 3px 3px 0;pointer-events:auto;cursor:pointer}
.bc span{background:var(--red);color:#fff}
.wd span{top:50px}
.bc.end span,.wd.end span{transform:translateX(calc(-100% - 6px));border-radius:3px 0 0 3px}
.wd span{background:#fef3c7;color:#78350f;border:1px solid var(--amber)}
${rows.join('')}
${widths.join('')}
${palette}
${ticks}
${levels.join('')}
#side{width:400px;flex:none;border-left:1px solid var(--line);overflow-y:auto;overflow-x:hidden;padding:8px 12px;background:#fcfcfd}
#side h2{font-size:13px;margin:4px 0 6px;overflow-wrap:anywhere}
#side h3{font-size:12px;margin:10px 0 4px;color:#334155}
#side table{border-collapse:collapse;width:100%}
#side td,#side th{text-align:left;padding:1px 6px 1px 0;vertical-align:top;font-weight:400}
#side td{overflow-wrap:anywhere}
#side th{color:var(--mut);white-space:nowrap}
#side .full{overflow-wrap:anywhere;font-family:ui-monospace,Consolas,monospace;font-size:11px;background:#f1f5f9;padding:3px 5px;border-radius:3px}
#side ul{margin:2px 0;padding-left:16px}
#side a,.lnk{color:#0369a1;cursor:pointer;text-decoration:underline}
#side .nest{margin:2px 0 4px 10px;padding-left:8px;border-left:2px solid #0f172a}
.tip{position:fixed;z-index:20;max-width:460px;padding:6px 8px;border-radius:5px;background:#0f172a;color:#f8fafc;box-shadow:0 4px 14px rgba(0,0,0,.25);pointer-events:none;font-size:11.5px}
.tip .t{font-weight:650}
.tip .full{font-family:ui-monospace,Consolas,monospace;font-size:10.5px;overflow-wrap:anywhere;color:#cbd5e1;margin:2px 0}
.tip .mut{color:#94a3b8}
.tip[hidden]{display:none}
.kbd{color:var(--mut)}
`;
}
