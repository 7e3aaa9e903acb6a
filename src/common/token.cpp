#include "token.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <system_error>

namespace uuid_filelock::detail {

std::string new_token() {
  // random_generator_pure: no seeded state to duplicate across fork().
  thread_local boost::uuids::random_generator_pure generate;
  try {
    return boost::uuids::to_string(generate());
  } catch (const boost::uuids::entropy_error& e) {
    throw std::system_error(static_cast<int>(e.errcode()), std::system_category(),
                            "uuid_filelock: no entropy for a UUID");
  }
}

}  // namespace uuid_filelock::detail
