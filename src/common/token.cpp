#include "token.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <system_error>

namespace uuid_filelock::detail {

std::string new_token() {
  try {
    // random_generator_pure: no seeded state to duplicate across fork().
    // Constructed inside the try: on Windows its constructor opens the
    // BCrypt provider and may throw entropy_error too.
    thread_local boost::uuids::random_generator_pure generate;
    return boost::uuids::to_string(generate());
  } catch (const boost::uuids::entropy_error& e) {
    throw std::system_error(static_cast<int>(e.errcode()), std::system_category(),
                            "uuid_filelock: no entropy for a UUID");
  }
}

}  // namespace uuid_filelock::detail
