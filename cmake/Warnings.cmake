# Warnings are on and must stay clean for project code. Third-party headers are
# included as SYSTEM by their imported targets, so their warnings do not show.
function(flamingo_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()
