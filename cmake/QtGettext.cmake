# Message catalogues (gettext): po/LANG.po -> BUILD/locale/LANG/LC_MESSAGES/quarter.mo,
# built with the program and installed under share/locale; `cmake --build . --target pot`
# regenerates po/quarter.pot from the sources (docs/i18n.md).
include(GNUInstallDirs)
find_program(QT_MSGFMT msgfmt REQUIRED)
find_program(QT_XGETTEXT xgettext)
file(GLOB QT_PO_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/po/*.po)
set(QT_MO_FILES)
foreach(po ${QT_PO_FILES})
  get_filename_component(lang ${po} NAME_WE)
  set(dir ${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES)
  add_custom_command(OUTPUT ${dir}/quarter.mo
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${QT_MSGFMT} --check-format -o ${dir}/quarter.mo ${po}
    DEPENDS ${po} VERBATIM)
  list(APPEND QT_MO_FILES ${dir}/quarter.mo)
  install(FILES ${dir}/quarter.mo DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${lang}/LC_MESSAGES)
endforeach()
add_custom_target(quarter_mo ALL DEPENDS ${QT_MO_FILES})
add_dependencies(quarter quarter_mo)
# the catalogues next to the build, else where install puts them
target_compile_definitions(quarter PRIVATE QT_LOCALEDIR_BUILD="${CMAKE_BINARY_DIR}/locale"
                                           QT_LOCALEDIR_INSTALL="${CMAKE_INSTALL_FULL_LOCALEDIR}")
if(QT_XGETTEXT)
  file(GLOB_RECURSE QT_I18N_SOURCES RELATIVE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/src/*.c)
  list(SORT QT_I18N_SOURCES)
  add_custom_target(pot
    COMMAND ${QT_XGETTEXT} --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=C_:1c,2 --keyword=R_:1c,2 --keyword=cli_usage:3 --keyword=cli_warn:2 --keyword=qt__reply_error:4 --add-comments=TRANSLATORS:
            --package-name=quarter --msgid-bugs-address=- --sort-by-file -o po/quarter.pot ${QT_I18N_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} VERBATIM)
endif()
