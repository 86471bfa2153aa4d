import * as preact from 'preact';
import { captcha } from './captcha';
import { errorText, moreErrors, plural, t } from './i18n';
import { saveLikes, saveOwn } from './own-comments';
import { request } from '../api/transport';

/**
 * What widget.js shares with widget-extra.js (the lazily loaded features): the one Preact, the
 * strings in use, and the state both sides touch. The build of widget-extra.js turns imports
 * of these modules (`preact`, api/transport, lib/i18n, lib/own-comments, lib/captcha) into reads of this
 * object, which the loader hands over on the script element (widget/vite.config.ts).
 */
export const kit = { h: preact.h, t, plural, errorText, moreErrors, saveOwn, saveLikes, captcha, request };
