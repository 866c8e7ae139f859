# cmake/Packaging.cmake - what `cmake --install` puts where, and the Debian
# packages CPack makes of it (scripts/package; docs/OPERATIONS.md, "Install").
#
# Three packages, one component each:
#   maiam-common  the campaign files and admin units both programs read
#                 (share/maiam) and proto's catalogue (what is wrong in
#                 them, maiam-proto.mo), architecture all
#   maiam-hub     the hub, its man page, catalogue, system unit and the
#                 maintainer scripts that make the maiam user and its data
#                 directory
#   maiam-agent   the laptop's program, its man page, catalogue and the
#                 nightly sync's user units
# The data files live in a package of their own because both programs read
# the same files and two packages may not ship one path.
#
# The programs look for their data and catalogues where MAIAM_DATA_DIR and
# MAIAM_LOCALEDIR say (top-level CMakeLists.txt): MAIAM_INSTALLED=ON points
# them at the install paths below; the default build keeps the source and
# build trees so that the tests run without installing.

include(GNUInstallDirs)

# Debian keeps system units in /lib/systemd/system (bookworm's dpkg does not
# yet own /usr/lib/systemd/system); under another prefix they go beside it.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(maiam_unit_default "/lib/systemd/system")
else()
  set(maiam_unit_default "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
set(MAIAM_SYSTEMD_UNIT_DIR "${maiam_unit_default}" CACHE PATH "Where maiam-hub.service is installed")
set(MAIAM_SYSTEMD_USER_UNIT_DIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/user" CACHE PATH
    "Where the agent's sync service and timer (user units) are installed")
set(MAIAM_HUB_STATE_DIR "/var/lib/maiam-hub" CACHE PATH "The hub directory of the packaged service")
set(MAIAM_CONFIG_DIR "/etc/maiam" CACHE PATH "The configuration directory of the packaged hub")

# --- the units: the binaries' installed path and the hub directory filled in
set(maiam_units "${CMAKE_BINARY_DIR}/packaging/systemd")
foreach(unit maiam-hub.service maiam-agent-sync.service)
  configure_file("${CMAKE_SOURCE_DIR}/packaging/systemd/${unit}.in" "${maiam_units}/${unit}" @ONLY)
endforeach()
configure_file("${CMAKE_SOURCE_DIR}/packaging/systemd/maiam-agent-sync.timer"
               "${maiam_units}/maiam-agent-sync.timer" COPYONLY)

# --- man pages, compressed as Debian ships them (gzip -n: no timestamp, so
# two builds of the same tree give the same package)
find_program(MAIAM_GZIP gzip REQUIRED)
set(maiam_man_out "${CMAKE_BINARY_DIR}/man")
set(maiam_man_files "")
foreach(page maiam-hub.8 maiam-agent.1)
  add_custom_command(OUTPUT "${maiam_man_out}/${page}.gz"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${maiam_man_out}"
    COMMAND ${MAIAM_GZIP} -9n -c "${CMAKE_SOURCE_DIR}/man/${page}" > "${maiam_man_out}/${page}.gz"
    DEPENDS "${CMAKE_SOURCE_DIR}/man/${page}"
    COMMENT "Compressing the man page ${page}")
  list(APPEND maiam_man_files "${maiam_man_out}/${page}.gz")
endforeach()
add_custom_target(maiam_man ALL DEPENDS ${maiam_man_files})

# --- each package's changelog and copyright (Debian policy 12.5, 12.7)
set(maiam_docs "${CMAKE_BINARY_DIR}/packaging/doc")
add_custom_command(OUTPUT "${maiam_docs}/changelog.gz"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${maiam_docs}"
  COMMAND ${MAIAM_GZIP} -9n -c "${CMAKE_SOURCE_DIR}/packaging/debian/changelog" > "${maiam_docs}/changelog.gz"
  DEPENDS "${CMAKE_SOURCE_DIR}/packaging/debian/changelog"
  COMMENT "Compressing the packages' changelog")
add_custom_target(maiam_package_docs ALL DEPENDS "${maiam_docs}/changelog.gz")

foreach(component common hub agent)
  install(FILES "${CMAKE_SOURCE_DIR}/packaging/debian/copyright" "${maiam_docs}/changelog.gz"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/maiam-${component}" COMPONENT ${component})
endforeach()

# An install of the ordinary build would run programs that look for their
# data in this source tree: say so where the installer reads it.
if(NOT MAIAM_INSTALLED)
  install(CODE "message(WARNING \"these programs look for their data in ${MAIAM_DATA_DIR} and their messages in ${MAIAM_LOCALEDIR}: configure with -DMAIAM_INSTALLED=ON before installing (docs/OPERATIONS.md, Install)\")")
endif()

# --- what each package holds
install(DIRECTORY "${CMAKE_SOURCE_DIR}/data" "${CMAKE_SOURCE_DIR}/campaigns"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/maiam" COMPONENT common)
# what is wrong in a campaign or units file, for both programs (proto/po/vi.po)
install(FILES "${MAIAM_LOCALE_BUILD_DIR}/vi/LC_MESSAGES/maiam-proto.mo"
        DESTINATION "${CMAKE_INSTALL_LOCALEDIR}/vi/LC_MESSAGES" COMPONENT common)

install(TARGETS maiam-hub RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT hub)
install(FILES "${MAIAM_LOCALE_BUILD_DIR}/vi/LC_MESSAGES/maiam-hub.mo"
        DESTINATION "${CMAKE_INSTALL_LOCALEDIR}/vi/LC_MESSAGES" COMPONENT hub)
install(FILES "${maiam_man_out}/maiam-hub.8.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man8" COMPONENT hub)
install(FILES "${maiam_units}/maiam-hub.service" DESTINATION "${MAIAM_SYSTEMD_UNIT_DIR}" COMPONENT hub)

install(TARGETS maiam-agent RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT agent)
install(FILES "${MAIAM_LOCALE_BUILD_DIR}/vi/LC_MESSAGES/maiam-agent.mo"
        DESTINATION "${CMAKE_INSTALL_LOCALEDIR}/vi/LC_MESSAGES" COMPONENT agent)
install(FILES "${maiam_man_out}/maiam-agent.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT agent)
install(FILES "${maiam_units}/maiam-agent-sync.service" "${maiam_units}/maiam-agent-sync.timer"
        DESTINATION "${MAIAM_SYSTEMD_USER_UNIT_DIR}" COMPONENT agent)
install(FILES "${CMAKE_SOURCE_DIR}/packaging/systemd/maiam-agent-sync-time.conf"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/maiam-agent/examples" COMPONENT agent)

# --- the Debian packages (sh scripts/package)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME maiam)
set(CPACK_PACKAGE_VENDOR "Mái Ấm")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "Mái Ấm maintainers <maintainers@users.noreply.r-seed-06d8a011.example>")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/cpack")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL common hub agent)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# the Debian libraries the binaries link, found by dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(maiam_exact "maiam-common (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_COMMON_PACKAGE_NAME maiam-common)
set(CPACK_DEBIAN_COMMON_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_COMMON_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_COMMON_DESCRIPTION "Mái Ấm housing campaigns: campaign files and admin units
The campaign files (targets, dates, award rules) and the province's
administrative units that maiam-hub and maiam-agent read.")

set(CPACK_DEBIAN_HUB_PACKAGE_NAME maiam-hub)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser, ${maiam_exact}")
set(CPACK_DEBIAN_HUB_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/packaging/debian/hub/postinst;${CMAKE_SOURCE_DIR}/packaging/debian/hub/prerm;${CMAKE_SOURCE_DIR}/packaging/debian/hub/postrm")
set(CPACK_COMPONENT_HUB_DESCRIPTION "Mái Ấm housing campaigns: the province hub
The province server of an offline-first housing-assistance campaign: it
receives the commune laptops' signed change-sets over HTTPS or USB,
merges them, keeps the ledger, and serves reports and the operators'
workspace. Runs as the systemd service maiam-hub, as the maiam user,
with its data in /var/lib/maiam-hub.")

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME maiam-agent)
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "${maiam_exact}")
set(CPACK_DEBIAN_AGENT_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_AGENT_DESCRIPTION "Mái Ấm housing campaigns: the commune laptop's tool
Records households, construction milestones and contributions on a
commune laptop with no network, and sends them, signed, to the province
hub at night (a systemd user timer) or on a USB stick.")

include(CPack)
