// The generated sequences, token by token, with each token's details: its probability and the five likeliest tokens
// at its place. Each sequence's text is one Tab stop (a roving tabindex: Tab lands on a token, ←/→ and Home/End move
// between tokens, a click or tap focuses one); the focused or hovered token shows its details in a popup beside it,
// a tooltip that is the token's accessible description (aria-describedby). Escape hides it; the pointer can move
// onto it without it closing.
import { useEffect, useId, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { GeneratedToken } from '../worker/protocol';
import { useI18n } from './i18n/language';

export interface Output { label: string; sequences: GeneratedToken[][] }

/** A token: its sequence's key ("output:sequence") and its index there. */
interface At { key: string; i: number }

const same = (a: At | null, b: At | null) => a?.key === b?.key && a?.i === b?.i;
/** Quoted, with its spaces and newlines visible: `" the"`, `"\n"`. */
const quote = (text: string) => JSON.stringify(text);
/** How long the details stay after the pointer leaves the token, so that it can cross the gap onto them. */
const LEAVE_MS = 150;

const tokenIndex = (target: EventTarget | null) => {
  const token = target instanceof Element ? target.closest<HTMLElement>('.token') : null;
  return token ? Number(token.dataset.i) : null;
};

export function GeneratedText({ outputs, prompted }: { outputs: Output[]; prompted: string }) {
  const [focused, setFocused] = useState<At | null>(null);
  const [hovered, setHovered] = useState<At | null>(null);
  /** Which of the two shows when both are set: the one that moved last. */
  const [recent, setRecent] = useState<'focus' | 'hover'>('focus');
  const [dismissed, setDismissed] = useState(false);
  /** Each sequence's Tab stop: the token focused last (the first until then). */
  const [stops, setStops] = useState<Record<string, number>>({});
  const leaving = useRef<number | undefined>(undefined);
  const shown = dismissed ? null : recent === 'hover' ? hovered ?? focused : focused ?? hovered;

  useEffect(() => () => window.clearTimeout(leaving.current), []);
  // Escape hides the details wherever the focus is (they may be up under the pointer alone).
  useEffect(() => {
    if (!shown) return;
    const onKey = (e: globalThis.KeyboardEvent) => { if (e.key === 'Escape') setDismissed(true); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [shown]);

  const hover = (at: At) => {
    window.clearTimeout(leaving.current);
    if (same(at, hovered)) return;
    setHovered(at);
    setRecent('hover');
    setDismissed(false);
  };
  const leave = () => {
    window.clearTimeout(leaving.current);
    leaving.current = window.setTimeout(() => setHovered(null), LEAVE_MS);
  };

  return outputs.map((o, oi) => (
    <div key={o.label} className="output">
      {outputs.length > 1 && <h3>{o.label}</h3>}
      {o.sequences.map((tokens, s) => {
        const key = `${oi}:${s}`;
        return (
          <Sequence key={s} prompted={prompted} tokens={tokens} stop={Math.min(stops[key] ?? 0, tokens.length - 1)}
            shown={shown?.key === key ? shown.i : null}
            onFocusToken={(i) => { setFocused({ key, i }); setRecent('focus'); setStops((x) => ({ ...x, [key]: i })); setDismissed(false); }}
            onBlurToken={() => setFocused(null)}
            onHoverToken={(i) => hover({ key, i })}
            onHoverDetails={() => window.clearTimeout(leaving.current)}
            onLeave={leave} />
        );
      })}
    </div>
  ));
}

interface SequenceProps {
  prompted: string;
  tokens: GeneratedToken[];
  /** The token that takes the Tab stop. */
  stop: number;
  /** The token whose details show, if in this sequence. */
  shown: number | null;
  onFocusToken(i: number): void;
  onBlurToken(): void;
  onHoverToken(i: number): void;
  onHoverDetails(): void;
  onLeave(): void;
}

function Sequence({ prompted, tokens, stop, shown, onFocusToken, onBlurToken, onHoverToken, onHoverDetails, onLeave }: SequenceProps) {
  const box = useRef<HTMLDivElement>(null);
  const id = useId();
  const token = (i: number) => box.current?.querySelector<HTMLElement>(`.token[data-i="${i}"]`) ?? null;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = tokenIndex(e.target);
    if (i === null) return;
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tokens.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    token(Math.max(0, Math.min(next, tokens.length - 1)))?.focus();
  }
  const onFocus = (e: FocusEvent<HTMLDivElement>) => { const i = tokenIndex(e.target); if (i !== null) onFocusToken(i); };
  const onBlur = (e: FocusEvent<HTMLDivElement>) => { if (tokenIndex(e.target) !== null) onBlurToken(); };
  const onMouseOver = (e: MouseEvent<HTMLDivElement>) => {
    const i = tokenIndex(e.target);
    if (i !== null) onHoverToken(i);
    else if (e.target instanceof Element && e.target.closest('.token-details')) onHoverDetails();
  };
  const onMouseOut = (e: MouseEvent<HTMLDivElement>) => {
    if (e.target instanceof Element && e.target.closest('.token, .token-details')) onLeave();
  };

  return (
    <div ref={box} className="sequence" onKeyDown={onKeyDown} onFocus={onFocus} onBlur={onBlur} onMouseOver={onMouseOver} onMouseOut={onMouseOut}>
      <span className="prompt">{prompted}</span>
      {tokens.map((tok, i) => (
        <span key={i} data-i={i} className={`token${shown === i ? ' active' : ''}`} tabIndex={i === stop ? 0 : -1}
          aria-describedby={shown === i ? id : undefined}>{tok.text}</span>
      ))}
      {shown !== null && tokens[shown] && <TokenDetails id={id} token={tokens[shown]} anchor={() => token(shown)} />}
    </div>
  );
}

/** The details of a token, placed below it (above when there is no room below) and kept inside its sequence's box. */
function TokenDetails({ id, token, anchor }: { id: string; token: GeneratedToken; anchor: () => HTMLElement | null }) {
  const { t, f } = useI18n();
  const popup = useRef<HTMLDivElement>(null);
  const chosen = token.prob === null ? -1 : token.alternatives.findIndex((a) => a.text === token.text && a.prob === token.prob);

  useLayoutEffect(() => {
    const place = () => {
      const el = popup.current, at = anchor(), box = el?.offsetParent;
      if (!el || !at || !box) return;
      const frame = box.getBoundingClientRect();
      const rects = at.getClientRects();
      // The token's last line box: a token that starts with a newline begins at the end of the line above.
      const a = rects.length > 0 ? rects[rects.length - 1] : at.getBoundingClientRect();
      const gap = 4, width = el.offsetWidth, height = el.offsetHeight;
      const left = Math.max(0, Math.min(a.left - frame.left, frame.width - width));
      const below = a.bottom + gap + height <= window.innerHeight || a.top - gap - height < 0;
      el.style.left = `${left}px`;
      el.style.top = `${below ? a.bottom - frame.top + gap : a.top - frame.top - gap - height}px`;
    };
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  });

  return (
    <div ref={popup} id={id} role="tooltip" className="token-details">
      <p className="chosen"><code>{quote(token.text)}</code> <span>{token.prob === null ? t.generate.outsideTop : f.percent(token.prob)}</span></p>
      <p className="label">{t.generate.likeliest}</p>
      <ol>
        {token.alternatives.map((a, i) => (
          <li key={i} className={i === chosen ? 'chosen' : undefined}><code>{quote(a.text)}</code> <span>{f.percent(a.prob)}</span></li>
        ))}
      </ol>
    </div>
  );
}
