// Separate compilation of Boost.Beast and Boost.Asio: compiled once here.
#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
