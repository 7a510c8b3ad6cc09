import { readEmbedPageMessage, setTokenMessage, type EmbedPageMessage } from '@tenantdash/core';
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { useTenantDashSettings } from './context.js';
import type { TenantDashboardError } from './errors.js';
import type { EmbedToken } from './fetch-token.js';
import { reduce, shownFrame, type FrameInput, type FrameState } from './frame-machine.js';
import { originOf } from './messages.js';
import { knownEmbedOrigin, rememberEmbedOrigin, usePreconnect } from './preconnect.js';
import {
  DefaultError,
  DefaultExpired,
  DefaultLoading,
  type ErrorSlotProps,
  type ExpiredSlotProps,
} from './slots.js';
import { useEmbedToken, type UseEmbedTokenOptions } from './use-embed-token.js';
import { useLatest } from './use-latest.js';

/** Scripts and the dashboard's own session must run; popups let charts open links. Nothing else. */
export const DEFAULT_SANDBOX = 'allow-scripts allow-same-origin allow-popups';
export const DEFAULT_TITLE = 'Analytics dashboard';
export const DEFAULT_REFERRER_POLICY = 'strict-origin-when-cross-origin';

export type TenantDashboardState =
  'loading' | 'ready' | 'refreshing' | 'refresh-failed' | 'error' | 'expired';

export interface TenantDashboardProps extends UseEmbedTokenOptions {
  /**
   * The iframe's accessible name.
   * @default Analytics dashboard
   */
  title?: string;
  /**
   * The iframe's `sandbox` tokens: scripts and the dashboard's own session run, popups open links.
   * @default allow-scripts allow-same-origin allow-popups
   */
  sandbox?: string;
  /**
   * The iframe's permissions policy (`allow`).
   * @default fullscreen
   */
  allow?: string;
  /**
   * The iframe's `referrerPolicy`: the embed page never sees more than the host's origin.
   * @default strict-origin-when-cross-origin
   */
  referrerPolicy?: React.HTMLAttributeReferrerPolicy;
  /** Added to the root element (`.tenantdash`), e.g. to set the theming custom properties. */
  className?: string;
  /** Inline style of the root element; the theming custom properties (`--tenantdash-*`) can go here. */
  style?: CSSProperties;
  /**
   * Follow the height the embedded page reports (sandbox extension).
   * @default true
   */
  autoHeight?: boolean;
  /** The frame finished loading a dashboard page. */
  onLoad?: () => void;
  /**
   * A token fetch failed, the embed page refused the dashboard, or the configuration is unusable;
   * `error.code` is stable.
   */
  onError?: (error: TenantDashboardError) => void;
  /** A newer token replaced the previous one. */
  onTokenRefresh?: (token: EmbedToken) => void;
  /** Replaces the loading view (by default a grey skeleton with `role="status"`). */
  renderLoading?: () => ReactNode;
  /** Replaces the error view (by default an alert with the code's message and "Try again"). */
  renderError?: (props: ErrorSlotProps) => ReactNode;
  /** Replaces the expired view (by default an alert with "Reload dashboard"). */
  renderExpired?: (props: ExpiredSlotProps) => ReactNode;
}

/** A tenant's dashboard in an iframe, its token fetched and kept fresh without blanking the view. */
export function TenantDashboard(props: TenantDashboardProps): ReactNode {
  const {
    title = DEFAULT_TITLE,
    sandbox = DEFAULT_SANDBOX,
    allow = 'fullscreen',
    referrerPolicy = DEFAULT_REFERRER_POLICY,
    className,
    style,
    renderLoading = DefaultLoading,
    renderError = DefaultError,
    renderExpired = DefaultExpired,
  } = props;
  const result = useEmbedToken(props);
  const { token, embedUrl, error, refresh } = result;
  const latest = useLatest(props);
  const shared = useTenantDashSettings();
  const now = props.now ?? shared.now ?? Date.now;
  const frameRef = useRef<HTMLIFrameElement>(null);
  const key = `${props.tenantId}\u0000${props.dashboardId ?? ''}`;

  const input: FrameInput = { key, token, embedUrl, autoHeight: props.autoHeight !== false };
  const [machine, setMachine] = useState<FrameState>({});
  const frame = shownFrame(machine, input, now());
  const origin = originOf(frame?.url);
  const live = useLatest({ input, origin, now, refresh });
  // One function for the component's life, holding the state it last set: two messages in one task must
  // each see the other's result, which React's state shows only after a render.
  const [dispatch] = useState(() => {
    let state = machine;
    return (message?: EmbedPageMessage) => {
      const { input, origin, now, refresh } = live.current;
      const next = reduce(state, input, now(), message);
      setMachine((state = next.state));
      if (next.refresh) refresh({ join: true });
      if (next.handOver && origin)
        frameRef.current?.contentWindow?.postMessage(
          setTokenMessage(next.handOver.token, next.handOver.expiresAt),
          origin,
        );
    };
  });
  // Before the first frame: connect to the embed page (from settings, else as last seen) while the token loads.
  const embedBaseUrl = props.embedBaseUrl ?? shared.embedBaseUrl;
  usePreconnect(frame ? undefined : (originOf(embedBaseUrl) ?? knownEmbedOrigin()));

  // The machine runs again when the dashboard, its token or its URL change, and at the shown token's swap time.
  const swapAt = frame?.token.schedule.swapSrcAtMs;
  useEffect(() => {
    dispatch();
    if (swapAt === undefined) return;
    const id = setTimeout(dispatch, swapAt - now());
    return () => clearTimeout(id);
  }, [dispatch, key, token, embedUrl, now, swapAt]);

  useEffect(() => {
    if (!origin) return;
    rememberEmbedOrigin(origin);
    const onMessage = (event: MessageEvent) => {
      // Only our own frame's window at the embed origin speaks for the dashboard.
      const frameWindow = frameRef.current?.contentWindow;
      const message =
        frameWindow &&
        event.source === frameWindow &&
        event.origin === origin &&
        readEmbedPageMessage(event.data);
      if (message) dispatch(message);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, dispatch]);

  // Shown until a new token brings a new document; while that token is fetched, the loading state.
  const embedError = !frame && !result.isRefreshing ? machine.refused?.error : undefined;
  const shownError = embedError ?? error;
  useEffect(() => {
    if (shownError) latest.current.onError?.(shownError);
  }, [shownError, latest]);

  const previous = useRef<EmbedToken>(undefined);
  useEffect(() => {
    if (!token) return;
    if (previous.current && previous.current !== token) latest.current.onTokenRefresh?.(token);
    previous.current = token;
  }, [token, latest]);

  let state: TenantDashboardState = result.status;
  let content: ReactNode;
  if (state === 'ready' && frame) {
    if (result.isRefreshing) state = 'refreshing';
    else if (error) state = 'refresh-failed';
    content = (
      <iframe
        ref={frameRef}
        title={title}
        src={frame.url}
        sandbox={sandbox}
        allow={allow}
        referrerPolicy={referrerPolicy}
        onLoad={() => latest.current.onLoad?.()}
        style={{
          display: 'block',
          width: '100%',
          // A number is in CSS px.
          height: machine.height ?? 'var(--tenantdash-height, 600px)',
          border: 'var(--tenantdash-border, 0)',
          borderRadius: 'var(--tenantdash-radius, 8px)',
          background: 'var(--tenantdash-background, transparent)',
        }}
      />
    );
  } else {
    // Ready without a frame: the embed page refused it, or the next token is on its way.
    const failure = state === 'ready' ? embedError : error;
    if (state === 'ready') state = failure ? 'error' : 'loading';
    content =
      state === 'error' && failure
        ? renderError({ error: failure, retry: refresh })
        : state === 'expired'
          ? renderExpired({ retry: refresh })
          : renderLoading();
  }

  return (
    <div
      className={className ? `tenantdash ${className}` : 'tenantdash'}
      style={style}
      data-state={state}
      aria-busy={state === 'loading'}
    >
      {content}
    </div>
  );
}
