/**
 * Zoom and pan of an SVG drawing through its viewBox: the mouse wheel zooms about the pointer,
 * dragging pans, two fingers pinch-zoom, and `zoomBy`/`panBy`/`reset` serve buttons and keys.
 * The view never zooms out past the whole drawing nor in past `MAX_ZOOM`.
 */
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

export interface ViewBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export const MAX_ZOOM = 16;
/** Pointer travel (CSS px) below which a press counts as a click, not a drag. */
const DRAG_SLOP = 4;

/**
 * `box` zoomed by `factor` (> 1: in) about the drawing point (cx, cy), kept inside `full`.
 * @example zoomViewBox({x:0,y:0,w:100,h:50}, {x:0,y:0,w:100,h:50}, 2, 50, 25) // {x:25,y:12.5,w:50,h:25}
 */
export function zoomViewBox(box: ViewBox, full: ViewBox, factor: number, cx: number, cy: number): ViewBox {
  const w = Math.min(full.w, Math.max(full.w / MAX_ZOOM, box.w / factor));
  const scale = w / box.w;
  const h = box.h * scale;
  return clampViewBox({ x: cx - (cx - box.x) * scale, y: cy - (cy - box.y) * scale, w, h }, full);
}

/** `box` moved inside `full` (a box as large as `full` sits on it). */
export function clampViewBox(box: ViewBox, full: ViewBox): ViewBox {
  const x = Math.min(full.x + full.w - box.w, Math.max(full.x, box.x));
  const y = Math.min(full.y + full.h - box.h, Math.max(full.y, box.y));
  return { ...box, x, y };
}

export interface SvgZoom {
  readonly viewBox: ViewBox;
  readonly zoom: number;
  zoomBy(factor: number): void;
  /** Pans by a fraction of the visible width and height. */
  panBy(fx: number, fy: number): void;
  /** Pans so that the drawing point (x, y) is in view (centred when it was outside). */
  reveal(x: number, y: number): void;
  reset(): void;
  /** True right after a drag, so the click that ends it does not select anything. */
  wasDrag(): boolean;
}

/** Drawing coordinates of a client point (the SVG's screen transform, aspect ratio included). */
function toDrawing(svg: SVGSVGElement, clientX: number, clientY: number): { x: number; y: number } {
  const m = svg.getScreenCTM();
  if (m === null) return { x: 0, y: 0 };
  const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
  return { x: p.x, y: p.y };
}

export function useSvgZoom(svgRef: RefObject<SVGSVGElement | null>, full: ViewBox): SvgZoom {
  const [viewBox, setViewBox] = useState<ViewBox>(full);
  const fullKey = `${full.x},${full.y},${full.w},${full.h}`;
  const fullRef = useRef(full);
  fullRef.current = full;
  // A new drawing (another system) starts unzoomed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: fullKey stands for full
  useEffect(() => setViewBox(fullRef.current), [fullKey]);
  const dragged = useRef(false);

  useEffect(() => {
    const svg = svgRef.current;
    if (svg === null) return;
    const pointers = new Map<number, { x: number; y: number }>();
    let travel = 0;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = toDrawing(svg, e.clientX, e.clientY);
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
      setViewBox((b) => zoomViewBox(b, fullRef.current, factor, p.x, p.y));
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      travel = 0;
      dragged.current = false;
    };
    const onMove = (e: PointerEvent) => {
      const last = pointers.get(e.pointerId);
      if (last === undefined) return;
      const m = svg.getScreenCTM();
      const scale = m === null || m.a === 0 ? 1 : 1 / m.a;
      if (pointers.size === 1) {
        const dx = e.clientX - last.x;
        const dy = e.clientY - last.y;
        travel += Math.abs(dx) + Math.abs(dy);
        if (travel > DRAG_SLOP) {
          if (!dragged.current) svg.setPointerCapture(e.pointerId);
          dragged.current = true;
          setViewBox((b) =>
            clampViewBox({ ...b, x: b.x - dx * scale, y: b.y - dy * scale }, fullRef.current),
          );
        }
      } else if (pointers.size === 2) {
        const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)?.[1];
        if (other !== undefined) {
          const before = Math.hypot(last.x - other.x, last.y - other.y);
          const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
          const mid = toDrawing(svg, (e.clientX + other.x) / 2, (e.clientY + other.y) / 2);
          if (before > 0 && after > 0)
            setViewBox((b) => zoomViewBox(b, fullRef.current, after / before, mid.x, mid.y));
          dragged.current = true;
        }
      }
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    };
    const onUp = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
    };
    svg.addEventListener("wheel", onWheel, { passive: false });
    svg.addEventListener("pointerdown", onDown);
    svg.addEventListener("pointermove", onMove);
    svg.addEventListener("pointerup", onUp);
    svg.addEventListener("pointercancel", onUp);
    return () => {
      svg.removeEventListener("wheel", onWheel);
      svg.removeEventListener("pointerdown", onDown);
      svg.removeEventListener("pointermove", onMove);
      svg.removeEventListener("pointerup", onUp);
      svg.removeEventListener("pointercancel", onUp);
    };
  }, [svgRef]);

  const zoomBy = useCallback((factor: number) => {
    setViewBox((b) => zoomViewBox(b, fullRef.current, factor, b.x + b.w / 2, b.y + b.h / 2));
  }, []);
  const panBy = useCallback((fx: number, fy: number) => {
    setViewBox((b) => clampViewBox({ ...b, x: b.x + fx * b.w, y: b.y + fy * b.h }, fullRef.current));
  }, []);
  const reveal = useCallback((x: number, y: number) => {
    setViewBox((b) =>
      x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h
        ? b
        : clampViewBox({ ...b, x: x - b.w / 2, y: y - b.h / 2 }, fullRef.current),
    );
  }, []);
  const reset = useCallback(() => setViewBox(fullRef.current), []);
  const wasDrag = useCallback(() => dragged.current, []);
  return { viewBox, zoom: full.w / viewBox.w, zoomBy, panBy, reveal, reset, wasDrag };
}
