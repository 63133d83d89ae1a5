# Picky warnings, errors in every build (curl's PickyWarnings model).
function(qt_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
    -Wmissing-prototypes -Wno-unused-parameter)
endfunction()
