#include "ui/inference_types.h"

void registerInferenceTypes() {
  qRegisterMetaType<Turn>();
  qRegisterMetaType<LoadSettings>();
  qRegisterMetaType<GenerationSettings>();
  qRegisterMetaType<GenerationRequest>();
  qRegisterMetaType<ModelInfo>();
  qRegisterMetaType<GenerationInfo>();
}
