// Listening sockets: TCP on every `bind` address at `port`, and the optional unix socket.
#pragma once
#include <string>

namespace lunar {
// Opens the listeners; false with *err when none could be opened or a required one failed.
bool listen_all(std::string* err);
void close_listeners();
// Accepts pending connections directly, outside the event loop (while a script is busy).
void accept_while_busy();
}  // namespace lunar
