#include "compose/model.h"

namespace compose {

int64_t Service::replicas() const {
  if (deploy && deploy->replicas) return *deploy->replicas;
  return scale.value_or(1);
}

const Service* Project::find_service(const std::string& name) const {
  auto it = services.find(name);
  return it == services.end() ? nullptr : &it->second;
}

std::string_view to_string(DependencyCondition condition) {
  switch (condition) {
    case DependencyCondition::Started:
      return "service_started";
    case DependencyCondition::Healthy:
      return "service_healthy";
    case DependencyCondition::CompletedSuccessfully:
      return "service_completed_successfully";
  }
  return "service_started";
}

}  // namespace compose
