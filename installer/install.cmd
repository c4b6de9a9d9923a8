@echo off
rem Installs the government-information-disclosure annual report assistant (gknb) for the
rem current user. No administrator rights needed. The work is done by install.ps1.
rem
rem   install.cmd                  interactive (double-click)
rem   install.cmd /quiet           silent, for mass deployment
rem   install.cmd /quiet -ReportsFolder "D:\Reports"
rem
rem Exit codes: 0 installed, 1 failed, 2 package incomplete, 3 engine busy, 4 engine blocked
rem (antivirus). Log: %TEMP%\gknb-install.log
setlocal
set "GKNB_QUIET="
set "GKNB_ARGS="
:args
if "%~1"=="" goto run
if /i "%~1"=="/quiet" (set "GKNB_QUIET=1" & goto next)
if /i "%~1"=="/q" (set "GKNB_QUIET=1" & goto next)
if /i "%~1"=="/s" (set "GKNB_QUIET=1" & goto next)
if /i "%~1"=="-quiet" (set "GKNB_QUIET=1" & goto next)
set GKNB_ARGS=%GKNB_ARGS% %1
:next
shift
goto args

:run
rem No parenthesised blocks around the arguments: a ")" in a path would end the block.
set "GKNB_PS=%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe"
set "GKNB_PSFLAGS="
set "GKNB_FLAGS="
if defined GKNB_QUIET set "GKNB_PSFLAGS=-NonInteractive"
if defined GKNB_QUIET set "GKNB_FLAGS=-Quiet"
"%GKNB_PS%" -NoLogo -NoProfile %GKNB_PSFLAGS% -ExecutionPolicy Bypass -File "%~dp0install.ps1" %GKNB_FLAGS% %GKNB_ARGS%
set "GKNB_RC=%ERRORLEVEL%"
if not defined GKNB_QUIET pause
exit /b %GKNB_RC%
