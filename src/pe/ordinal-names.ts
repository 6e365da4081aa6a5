// Names pefile gives to imports by ordinal from Winsock (its ordlookup tables).
// Other DLLs' ordinals are named "ord<N>" (oleaut32's table is not reproduced:
// an oleaut32 ordinal import hashes as ord<N>; see docs/output.md).

const winsock: Readonly<Record<number, string>> = {
  1: 'accept', 2: 'bind', 3: 'closesocket', 4: 'connect', 5: 'getpeername', 6: 'getsockname', 7: 'getsockopt',
  8: 'htonl', 9: 'htons', 10: 'ioctlsocket', 11: 'inet_addr', 12: 'inet_ntoa', 13: 'listen', 14: 'ntohl',
  15: 'ntohs', 16: 'recv', 17: 'recvfrom', 18: 'select', 19: 'send', 20: 'sendto', 21: 'setsockopt',
  22: 'shutdown', 23: 'socket', 51: 'gethostbyaddr', 52: 'gethostbyname', 53: 'getprotobyname',
  54: 'getprotobynumber', 55: 'getservbyname', 56: 'getservbyport', 57: 'gethostname',
  101: 'WSAAsyncSelect', 102: 'WSAAsyncGetHostByAddr', 103: 'WSAAsyncGetHostByName', 104: 'WSAAsyncGetProtoByNumber',
  105: 'WSAAsyncGetProtoByName', 106: 'WSAAsyncGetServByPort', 107: 'WSAAsyncGetServByName', 108: 'WSACancelAsyncRequest',
  109: 'WSASetBlockingHook', 110: 'WSAUnhookBlockingHook', 111: 'WSAGetLastError', 112: 'WSASetLastError',
  113: 'WSACancelBlockingCall', 114: 'WSAIsBlocking', 115: 'WSAStartup', 116: 'WSACleanup', 151: '__WSAFDIsSet', 500: 'WEP',
};

export function ordinalName(dll: string, ordinal: number): string {
  if (dll === 'ws2_32.dll' || dll === 'wsock32.dll') return winsock[ordinal] ?? `ord${ordinal}`;
  return `ord${ordinal}`;
}
