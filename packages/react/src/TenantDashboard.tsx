import { setTokenMessage } from '@tenantdash/core';
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { useTenantDashSettings } from './context.js';
import { TenantDashboardError } from './errors.js';
import type { EmbedToken } from './fetch-token.js';
import { originOf, readFrameMessage } from './messages.js';
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

interface Frame {
  key: string;
  url: string;
  token: EmbedToken;
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

  const [frameState, setFrame] = useState<Frame>();
  const [messaging, setMessaging] = useState(false);
  // The embed page refused the document at `url` (`tenantdash:error`): that URL is never shown again.
  const [embedFailure, setEmbedFailure] = useState<{ url: string; error: TenantDashboardError }>();
  const refusedUrl = embedFailure?.url;
  const [height, setHeight] = useState<number>();
  // The token handed over by message and not yet accepted.
  const handed = useRef<EmbedToken>(undefined);
  // What the frame shows: the loaded token while it lives; otherwise (first render, another dashboard, a token
  // that died while the frame was gone) the current one at once, so a dead URL is never loaded.
  const loadedLives = (f: Frame | undefined): f is Frame =>
    f?.key === key && f.url !== refusedUrl && now() < f.token.schedule.expiresAtMs;
  const frame = loadedLives(frameState)
    ? frameState
    : token && embedUrl && embedUrl !== refusedUrl
      ? { key, url: embedUrl, token }
      : undefined;
  const origin = originOf(frame?.url);
  const live = useLatest({ token, frame });
  // Before the first frame: connect to the embed page (from settings, else as last seen) while the token loads.
  const embedBaseUrl = props.embedBaseUrl ?? shared.embedBaseUrl;
  usePreconnect(frame ? undefined : (originOf(embedBaseUrl) ?? knownEmbedOrigin()));
  useEffect(() => rememberEmbedOrigin(origin), [origin]);

  useEffect(() => {
    if (!token || !embedUrl || embedUrl === refusedUrl) return;
    if (!loadedLives(frameState)) {
      // A new document: it has to say `ready` again before it gets tokens by message.
      setFrame({ key, url: embedUrl, token });
      setMessaging(false);
      setHeight(undefined);
      handed.current = undefined;
      return;
    }
    if (frameState.token === token) return;
    if (messaging && origin && handed.current !== token) {
      // The page takes tokens by message: hand it over; on `token-accepted` the src stays, no reload.
      handed.current = token;
      frameRef.current?.contentWindow?.postMessage(setTokenMessage(token.token, token.expiresAt), origin);
    }
    // Otherwise (or if the page never accepts it) the loaded page keeps its own token until just before
    // that dies, then loads the new one: at most one reload per token lifetime. The swap is skipped if an
    // accepted hand-over got there first.
    const loaded = frameState.token;
    const swap = () => {
      if (live.current.frame?.token !== loaded) return;
      setFrame({ key, url: embedUrl, token });
      setMessaging(false);
      handed.current = undefined;
    };
    const delay = loaded.schedule.swapSrcAtMs - now();
    if (delay <= 0) return swap();
    const id = setTimeout(swap, delay);
    return () => clearTimeout(id);
  }, [token, embedUrl, frameState, key, messaging, origin, now, live, refusedUrl]);

  useEffect(() => {
    if (!origin) return;
    const onMessage = (event: MessageEvent) => {
      const message = readFrameMessage(event, frameRef.current?.contentWindow, origin);
      if (!message) return;
      const follow = latest.current.autoHeight !== false;
      switch (message.type) {
        case 'tenantdash:ready':
          setMessaging(true);
          if (follow && message.height !== undefined) setHeight(message.height);
          break;
        case 'tenantdash:resize':
          if (follow) setHeight(message.height);
          break;
        case 'tenantdash:token-accepted': {
          const accepted = handed.current;
          if (accepted)
            setFrame((f) => (f && f.token.receivedAt < accepted.receivedAt ? { ...f, token: accepted } : f));
          break;
        }
        case 'tenantdash:error': {
          const url = live.current.frame?.url;
          const error = new TenantDashboardError(
            'EMBED_ERROR',
            `The embed page refused the dashboard: ${message.code}`,
            { status: message.status, serverCode: message.code },
          );
          if (url) setEmbedFailure({ url, error });
          break;
        }
        case 'tenantdash:token-rejected':
          // Fall back to a new src near expiry for this dashboard.
          handed.current = undefined;
          setMessaging(false);
          break;
        case 'tenantdash:token-expiring':
        case 'tenantdash:token-expired': {
          // Hand over a newer token if we hold one. Otherwise fetch one, unless the page warns early about a
          // token whose own refresh is not due yet: the page's warning lead can exceed a short token's whole
          // lifetime, and answering each warning with a fetch would loop (new token, immediate warning, new
          // token...). The refresh schedule fetches it in time.
          const { token: current, frame: shown } = live.current;
          const pageExpiry = message.expiresAt ?? shown?.token.expiresAt ?? 0;
          if (current && current.expiresAt > pageExpiry) {
            handed.current = current;
            frameRef.current?.contentWindow?.postMessage(
              setTokenMessage(current.token, current.expiresAt),
              origin,
            );
          } else if (
            message.type === 'tenantdash:token-expired' ||
            !current ||
            now() >= current.schedule.refreshAtMs
          ) {
            refresh({ join: true });
          }
        }
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, refresh, latest, live, now]);

  // Shown until a new token brings a new document; while that token is fetched, the loading state.
  const embedError = embedFailure && !frame && !result.isRefreshing ? embedFailure.error : undefined;
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
  if (embedError && result.status === 'ready') {
    state = 'error';
    content = renderError({ error: embedError, retry: refresh });
  } else if (result.status === 'ready' && !frame) {
    state = 'loading';
    content = renderLoading();
  } else if (result.status === 'ready' && frame) {
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
          height: height === undefined ? 'var(--tenantdash-height, 600px)' : `${height}px`,
          border: 'var(--tenantdash-border, 0)',
          borderRadius: 'var(--tenantdash-radius, 8px)',
          background: 'var(--tenantdash-background, transparent)',
        }}
      />
    );
  } else if (result.status === 'error' && error) content = renderError({ error, retry: refresh });
  else if (result.status === 'expired') content = renderExpired({ retry: refresh });
  else content = renderLoading();

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
