import { configure } from '@testing-library/preact';

// The widget talks to a real Worker, on a machine other test suites share: give what the reader
// waits for (an answer, widget-extra.js loading the first time) 5 s rather than 1 s to show.
configure({ asyncUtilTimeout: 5_000 });
