#include "loader/generate_stack.h"

#include <sstream>

namespace bench {

std::string generate_stack(int services) {
  std::ostringstream out;
  out << "name: bench\n"
         "x-common: &common\n"
         "  restart: unless-stopped\n"
         "  labels:\n"
         "    team: platform\n"
         "services:\n";
  for (int i = 0; i < services; ++i) {
    out << "  svc" << i << ":\n"
        << "    <<: *common\n"
        << "    image: registry.local/app" << i % 17 << ":${TAG:-1.0}\n"
        << "    command: [\"/bin/server\", \"--port\", \"" << 8000 + i % 1000 << "\"]\n"
        << "    environment:\n"
        << "      SERVICE_NAME: svc" << i << "\n"
        << "      LOG_LEVEL: ${LOG_LEVEL:-info}\n"
        << "    ports:\n"
        << "      - \"127.0.0.1:" << 10000 + i << ":80\"\n"
        << "    volumes:\n"
        << "      - data" << i % 10 << ":/var/lib/app\n"
        << "      - ./conf/" << i << ":/etc/app:ro\n"
        << "    healthcheck:\n"
        << "      test: [\"CMD\", \"/bin/check\"]\n"
        << "      interval: 10s\n"
        << "      timeout: 2s\n"
        << "      retries: 3\n"
        << "    mem_limit: 256m\n"
        << "    cpus: 0.5\n";
    if (i > 0) {
      out << "    depends_on:\n"
          << "      svc" << (i - 1) << ":\n"
          << "        condition: service_started\n";
      if (i > 10) out << "      svc" << (i / 2) << ":\n        condition: service_healthy\n";
    }
  }
  out << "volumes:\n";
  for (int i = 0; i < 10; ++i)
    out << "  data" << i << ":\n";
  return out.str();
}

}  // namespace bench
