@echo off
rem Removes the annual report assistant (gknb) for the current user: everything install
rem added, nothing else; the reports are kept. The work is done by uninstall.ps1.
rem
rem   uninstall.cmd           interactive (Settings > Apps runs this too)
rem   uninstall.cmd /quiet    silent, for mass deployment
rem
rem Exit codes: 0 removed, 1 failed, 3 engine busy. Log: %TEMP%\gknb-uninstall.log
setlocal
set "GKNB_QUIET="
:args
if "%~1"=="" goto run
if /i "%~1"=="/quiet" set "GKNB_QUIET=1"
if /i "%~1"=="/q" set "GKNB_QUIET=1"
if /i "%~1"=="/s" set "GKNB_QUIET=1"
if /i "%~1"=="-quiet" set "GKNB_QUIET=1"
shift
goto args

:run
rem This file may sit in the folder being removed: run a copy of uninstall.ps1 from %TEMP%,
rem leave the folder, and finish inside one parenthesised block, which cmd reads whole
rem before running it (so nothing is read from this file once it is gone).
set "GKNB_PS=%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe"
set "GKNB_PS1=%TEMP%\gknb-uninstall-%RANDOM%%RANDOM%.ps1"
set "GKNB_PSFLAGS="
set "GKNB_FLAGS="
if defined GKNB_QUIET set "GKNB_PSFLAGS=-NonInteractive"
if defined GKNB_QUIET set "GKNB_FLAGS=-Quiet"
copy /y "%~dp0uninstall.ps1" "%GKNB_PS1%" >nul
if errorlevel 1 goto copyfailed
cd /d "%TEMP%"
setlocal EnableDelayedExpansion
(
  "%GKNB_PS%" -NoLogo -NoProfile %GKNB_PSFLAGS% -ExecutionPolicy Bypass -File "%GKNB_PS1%" %GKNB_FLAGS%
  set "GKNB_RC=!ERRORLEVEL!"
  del "%GKNB_PS1%" >nul 2>&1
  if not defined GKNB_QUIET pause
  exit /b !GKNB_RC!
)

:copyfailed
echo Cannot copy "%~dp0uninstall.ps1" to "%TEMP%".
exit /b 1
