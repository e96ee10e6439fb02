// http.h: the little HTTP/1.0 the status interface speaks: parsing a request head, percent-
// decoding query strings, and response heads. One request per connection; no keep-alive,
// no request bodies (parameters travel in the query string).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/status/tail.h"

namespace edgegw {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string path;    // decoded, without the query
  std::map<std::string, std::string> query;
  bool trusted = false;  // came over the Unix socket (permission-checked); TCP is read-only

  std::string param(const std::string& key, std::string fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool stream = false;  // keep the connection and send tail lines matching `tail_filter`
  TailFilter tail_filter;
};

// Requests bigger than this are refused (431).
inline constexpr size_t kMaxRequestHead = 8192;

// Parses "METHOD /path?query HTTP/1.x" and ignores the headers; nullopt when malformed.
std::optional<HttpRequest> parse_request_head(std::string_view head);

std::string percent_decode(std::string_view s);
std::string percent_encode(std::string_view s);  // for the CLI building paths

std::string response_head(int status, std::string_view content_type,
                          std::optional<size_t> content_length);
std::string_view status_text(int status);

// A JSON error body: {"error":"..."}.
HttpResponse error_response(int status, std::string_view message);

}  // namespace edgegw
