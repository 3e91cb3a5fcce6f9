#include "plan/run_observer.h"

#include <algorithm>

namespace drf {

RunObservers::RunObservers(std::vector<RunObserver*> observers) : all_(std::move(observers)) {
  all_.erase(std::remove(all_.begin(), all_.end(), nullptr), all_.end());
}

void RunObservers::RunStarted(const std::vector<Step*>& steps) {
  for (RunObserver* o : all_) o->RunStarted(steps);
}

void RunObservers::StepStarted(std::string_view id, std::string_view resource) {
  for (RunObserver* o : all_) o->StepStarted(id, resource);
}

void RunObservers::StepWaiting(std::string_view id, std::string_view what) {
  for (RunObserver* o : all_) o->StepWaiting(id, what);
}

void RunObservers::StepFinished(std::string_view id, const StepResult& result) {
  for (RunObserver* o : all_) o->StepFinished(id, result);
}

void RunObservers::RunStopped(RunStop why) {
  for (RunObserver* o : all_) o->RunStopped(why);
}

void RunObservers::RunFinished() {
  for (RunObserver* o : all_) o->RunFinished();
}

}  // namespace drf
