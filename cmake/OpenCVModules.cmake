# The four OpenCV modules the media code needs, found directly: Debian ships
# OpenCVConfig.cmake only in the libopencv-dev meta package, which drags in every
# other module (contrib, dnn, viz, ...) and their dependencies.
find_path(FLAMINGO_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
add_library(flamingo_opencv INTERFACE)
target_include_directories(flamingo_opencv SYSTEM INTERFACE ${FLAMINGO_OPENCV_INCLUDE_DIR})
foreach(module core imgproc imgcodecs videoio)
  find_library(FLAMINGO_OPENCV_${module} opencv_${module} REQUIRED)
  target_link_libraries(flamingo_opencv INTERFACE ${FLAMINGO_OPENCV_${module}})
endforeach()
