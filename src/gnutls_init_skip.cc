// Linked into both programs (drfailover, bootstrap): keeps GnuTLS from initialising itself
// when the program loads.
//
// drfailover speaks HTTP(S) through libcurl with OpenSSL and never uses GnuTLS. But Debian's
// libcurl links librtmp and libldap, which link GnuTLS, and GnuTLS initialises itself from a
// library constructor at load time (its random generator, its configuration, p11-kit's
// trust modules): ~0.85 MiB resident and some start-up time for nothing (bench/README.md,
// "GnuTLS left asleep"). GnuTLS's documented opt-out (GNUTLS_SKIP_GLOBAL_INIT in
// gnutls/gnutls.h) is for the main program to define this function: the dynamic loader
// binds GnuTLS's call to the program's definition before its own weak one. Were GnuTLS ever
// used, it would still initialise on gnutls_global_init(). The linker keeps the symbol in
// the programs' dynamic symbol table (CMakeLists.txt), and
// tests/integration/program_load_test.cc checks that the loader binds it.
extern "C" int _gnutls_global_init_skip() { return 1; }  // NOLINT(bugprone-reserved-identifier)
