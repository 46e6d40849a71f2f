// NSS key-log lines (CLIENT_RANDOM <client_random> <master_secret>, the format Wireshark and SSLKEYLOGFILE
// use): the core makes them (ConnectionOptions.keyLog); this name stays for users of the node adapter.
export { keyLogLine as keylogLine } from '@sanstls/core';
