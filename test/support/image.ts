// Gate of the tests that need the controller image (test/image/): building it cold downloads Debian packages and
// takes minutes, more than `npm test` may spend on a 2-core CI machine, so they run with `npm run test:image`
// (which sets FLUXTS_TEST_IMAGE=1) and say so when skipped.

/** IMAGE_TESTS_SKIP is false under `npm run test:image`, and otherwise the reason the image tests are skipped. */
export const IMAGE_TESTS_SKIP: string | false =
  process.env['FLUXTS_TEST_IMAGE'] === '1'
    ? false
    : 'needs the controller image (a cold build downloads Debian packages and takes minutes): run `npm run test:image`';
