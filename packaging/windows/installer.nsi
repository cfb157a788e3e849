; Windows installer for Coupon Studio (卡券工作室), built on Debian with the system NSIS:
;
;   makensis -V2 -WX -DVERSION=0.1.0 -DSRCDIR=<dir> \
;            -DOUTFILE=<dir>/coupon-studio-0.1.0-x86_64-setup.exe packaging/windows/installer.nsi
;
; SRCDIR holds coupon-studio.exe (the GUI program, which the command-line tools share),
; coupon-studio.com (the console launcher a prompt finds first, packaging/windows/launcher),
; coupon-studio.ico, OFL-NotoSansCJK.txt and README.md. -DVERSION4=a.b.c.d overrides the 4-part version of the
; setup.exe's version resource (default: VERSION + ".0", so VERSION must be plain a.b.c).
; Tested under Wine by packaging/windows/test-installer.sh.
;
; The setup is per user and never asks for administrator rights: it installs into
; %LOCALAPPDATA%\Programs (where Windows itself puts per-user programs) and writes only HKCU.
; Silent use: `setup.exe /S [/D=C:\dir]`, `uninstall.exe /S [/PURGE]`.

; amd64-unicode (Debian's nsis ships the 64-bit stubs and plugins): the app is x86_64 anyway, a
; 64-bit installer sees no WOW64 file/registry redirection, and Debian's 64-bit-only Wine can
; run it in CI, which it could not do with the x86-unicode stub.
Target amd64-unicode
SetCompressor /SOLID lzma
; The manifest then says asInvoker, which also keeps Windows' "setup in the name" heuristic
; from asking for elevation.
RequestExecutionLevel user
ManifestDPIAware true

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef SRCDIR
  !error "pass -DSRCDIR=<folder with the files to install>"
!endif
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "coupon-studio-${VERSION}-x86_64-setup.exe"
!endif

!define APPKEY "Software\coupon-studio"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\coupon-studio"
!define SHORTCUT "卡券工作室.lnk"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh

Name "$(AppName)"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Coupon Studio"
; An upgrade goes where the previous version was installed, even if the user chose another dir.
InstallDirRegKey HKCU "${APPKEY}" "InstallDir"
ShowInstDetails show
ShowUninstDetails show
BrandingText "卡券工作室 Coupon Studio ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=1033 "ProductName" "卡券工作室 Coupon Studio"
VIAddVersionKey /LANG=1033 "CompanyName" "Coupon Studio maintainers"
VIAddVersionKey /LANG=1033 "FileDescription" "卡券工作室 Coupon Studio ${VERSION} Setup"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "2026 Coupon Studio maintainers"

;--- Modern UI ---------------------------------------------------------------------------------
!define MUI_ICON "${SRCDIR}/coupon-studio.ico"
!define MUI_UNICON "${SRCDIR}/coupon-studio.ico"
!define MUI_ABORTWARNING
; The language picked in the dialog (or, in silent mode, matching Windows' UI language) is
; remembered for upgrades and for the uninstaller, which would otherwise ask again.
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${APPKEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\coupon-studio.exe"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunApp)"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Without a dialog (silent mode) NSIS takes the one matching Windows' UI language, else the first.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

;--- Texts -------------------------------------------------------------------------------------
LangString AppName ${LANG_SIMPCHINESE} "卡券工作室"
LangString AppName ${LANG_ENGLISH} "Coupon Studio"
LangString RunApp ${LANG_SIMPCHINESE} "运行 卡券工作室"
LangString RunApp ${LANG_ENGLISH} "Run 卡券工作室 (Coupon Studio)"
LangString SecMain ${LANG_SIMPCHINESE} "卡券工作室（程序文件）"
LangString SecMain ${LANG_ENGLISH} "Coupon Studio (program files)"
LangString SecUnMain ${LANG_SIMPCHINESE} "卸载 卡券工作室"
LangString SecUnMain ${LANG_ENGLISH} "Uninstall Coupon Studio"
LangString ShortcutDesc ${LANG_SIMPCHINESE} "制作和发放微信卡券"
LangString ShortcutDesc ${LANG_ENGLISH} "Design and issue WeChat coupons"
LangString AppRunning ${LANG_SIMPCHINESE} "卡券工作室正在运行，无法替换或删除：$\r$\n$R9$\r$\n$\r$\n请关闭卡券工作室（包括命令行中的 coupon-studio），然后点击“重试”。"
LangString AppRunning ${LANG_ENGLISH} "Coupon Studio is running, so this file cannot be replaced or removed:$\r$\n$R9$\r$\n$\r$\nClose Coupon Studio (and any coupon-studio command line), then click Retry."
LangString KeepData ${LANG_SIMPCHINESE} "是否保留您的数据（账号、卡券、草稿、券点流水和日志）？$\r$\n$\r$\n$APPDATA\coupon-studio$\r$\n$\r$\n“是”：保留，以后重新安装时可继续使用。$\r$\n“否”：永久删除。"
LangString KeepData ${LANG_ENGLISH} "Keep your data (accounts, cards, drafts, the coin journal and logs)?$\r$\n$\r$\n$APPDATA\coupon-studio$\r$\n$\r$\nYes: keep it for a later reinstall.$\r$\nNo: delete it permanently."

;--- Shared helpers ----------------------------------------------------------------------------
; A running exe cannot be opened for writing, so this detects a running app (GUI or console
; launcher) before anything is changed, instead of half-replacing or half-removing the install.
; In silent mode it gives up (Abort: exit code 2) rather than loop.
!macro DEFINE_WAIT_UNLOCKED UN
Function ${UN}WaitUnlocked
  Exch $R9
  retry:
  ${If} ${FileExists} "$R9"
    ClearErrors
    FileOpen $0 "$R9" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDCANCEL IDRETRY retry
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
  Pop $R9
FunctionEnd
!macroend
!insertmacro DEFINE_WAIT_UNLOCKED ""
!insertmacro DEFINE_WAIT_UNLOCKED "un."

;--- Installer ---------------------------------------------------------------------------------
Function .onInit
  SetShellVarContext current
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Section "$(SecMain)" SecMainId
  SectionIn RO
  SetOutPath "$INSTDIR"
  Push "$INSTDIR\coupon-studio.exe"
  Call WaitUnlocked

  ; Anything still locked gets NSIS's own Abort/Retry/Ignore dialog.
  SetOverwrite on
  File "${SRCDIR}/coupon-studio.exe"
  File "${SRCDIR}/coupon-studio.com"
  File "${SRCDIR}/coupon-studio.ico"
  File "${SRCDIR}/OFL-NotoSansCJK.txt"
  File "${SRCDIR}/README.md"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The shortcuts' working dir is $INSTDIR (the current SetOutPath).
  CreateShortCut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\coupon-studio.exe" "" \
    "$INSTDIR\coupon-studio.ico" 0 SW_SHOWNORMAL "" "$(ShortcutDesc)"
  CreateShortCut "$DESKTOP\${SHORTCUT}" "$INSTDIR\coupon-studio.exe" "" \
    "$INSTDIR\coupon-studio.ico" 0 SW_SHOWNORMAL "" "$(ShortcutDesc)"

  WriteRegStr HKCU "${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "卡券工作室 Coupon Studio"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "Coupon Studio maintainers"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\coupon-studio.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ; Apps & features shows this (KB); the files' size as compiled is close enough.
  SectionGetSize ${SecMainId} $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
  !insertmacro MUI_LANGDLL_SAVELANGUAGE
SectionEnd

;--- Uninstaller -------------------------------------------------------------------------------
Function un.onInit
  SetShellVarContext current
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "un.$(SecUnMain)"
  Push "$INSTDIR\coupon-studio.exe"
  Call un.WaitUnlocked

  ; File by file rather than RMDir /r: $INSTDIR is whatever folder the user picked.
  Delete "$INSTDIR\coupon-studio.exe"
  Delete "$INSTDIR\coupon-studio.com"
  Delete "$INSTDIR\coupon-studio.ico"
  Delete "$INSTDIR\OFL-NotoSansCJK.txt"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${SHORTCUT}"
  Delete "$DESKTOP\${SHORTCUT}"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "${APPKEY}"

  ; The data outlives the program unless the user says otherwise: the coin journal may be
  ; needed later, and a reinstall picks the data up again. /PURGE deletes it without asking
  ; (the only way to delete it silently).
  ${GetParameters} $1
  ClearErrors
  ${GetOptions} $1 "/PURGE" $2
  ${If} ${Errors}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON1 "$(KeepData)" /SD IDYES IDYES keep
  ${EndIf}
  RMDir /r "$APPDATA\coupon-studio"
  keep:
SectionEnd
